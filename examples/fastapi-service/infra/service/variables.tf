variable "project" {
  type        = string
  description = "Google Cloud project of this environment."
}

variable "region" {
  type        = string
  description = "Cloud Run region, e.g. europe-west1."
}

variable "environment" {
  type        = string
  description = "dev or prod: the ENV of the service and the suffix of every secret id (database-url-dev)."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "service_name" {
  type        = string
  default     = "fastapi-service"
  description = "Cloud Run service name (the pipeline's service input)."
}

variable "image" {
  type        = string
  description = "Container image as a digest reference (REPOSITORY@sha256:…): build-push's image output, set by the deploy action."

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be a digest reference, REPOSITORY@sha256:<64 hex>; a tag is refused."
  }
}

variable "allow_dev_auth_bypass" {
  type        = bool
  default     = false
  nullable    = false
  description = "Dev only: inject ALLOW_DEV_AUTH_BYPASS and DEV_BYPASS_SECRET. Set by the deploy action from ALLOW_DEV_AUTH_BYPASS."

  validation {
    condition     = !(var.allow_dev_auth_bypass && var.environment == "prod")
    error_message = "allow_dev_auth_bypass cannot be true in prod: the dev auth bypass never reaches production."
  }
}

variable "commit_sha" {
  type        = string
  description = "The commit being deployed (the pipeline sets github.sha): the service's commit-sha label, which the deploy action's stale-commit guard reads, and COMMIT_SHA."

  validation {
    condition     = can(regex("^[0-9a-f]{7,40}$", var.commit_sha))
    error_message = "commit_sha must be a git commit SHA: 7 to 40 lower-case hex digits."
  }
}

variable "base_url" {
  type        = string
  description = "BASE_URL: the public URL of the API, e.g. https://api.example.com."
}

variable "clerk_jwks_url" {
  type        = string
  description = "CLERK_JWKS_URL: the JWKS endpoint of the Clerk instance."
}

variable "clerk_issuer" {
  type        = string
  default     = ""
  nullable    = false
  description = "CLERK_ISSUER, when tokens' iss must be checked; empty leaves it unset."
}

variable "resend_enabled" {
  type        = bool
  default     = false
  nullable    = false
  description = "Inject RESEND_API_KEY from resend-api-key-<environment> (add a version to that secret first)."
}

variable "resend_from_email" {
  type        = string
  default     = ""
  nullable    = false
  description = "RESEND_FROM_EMAIL; empty leaves it unset (the service's default)."
}

variable "cloud_sql_instance" {
  type        = string
  description = "Cloud SQL instance connection name, PROJECT:REGION:INSTANCE: mounted at /cloudsql, as DATABASE_URL's host=/cloudsql/… expects."

  validation {
    condition     = length(split(":", var.cloud_sql_instance)) >= 3
    error_message = "cloud_sql_instance must be a connection name, PROJECT:REGION:INSTANCE."
  }
}

variable "runtime_account_id" {
  type        = string
  default     = "api-runtime"
  description = "Account id of the runtime service account that the platform stack creates."
}

variable "max_instances" {
  type        = number
  default     = 10
  description = "Upper bound of Cloud Run instances."
}
