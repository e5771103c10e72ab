variable "project" {
  type        = string
  description = "Google Cloud project of this environment."
}

variable "region" {
  type        = string
  description = "Default region of the provider (the stack's resources are global: this keeps one set of variables for both stacks)."
}

variable "environment" {
  type        = string
  description = "dev or prod: the suffix of every secret id (database-url-dev)."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "allow_dev_auth_bypass" {
  type        = bool
  default     = false
  nullable    = false
  description = "Dev only: also create the dev-bypass-secret-<environment> secret. Set by the deploy action from ALLOW_DEV_AUTH_BYPASS."

  validation {
    condition     = !(var.allow_dev_auth_bypass && var.environment == "prod")
    error_message = "allow_dev_auth_bypass cannot be true in prod: the dev auth bypass never reaches production."
  }
}

variable "runtime_account_id" {
  type        = string
  default     = "api-runtime"
  description = "Account id of the service account the Cloud Run service runs as (<id>@<project>.iam.gserviceaccount.com)."
}

variable "grant_cloud_sql_client" {
  type        = bool
  default     = true
  nullable    = false
  description = "Grant the runtime service account roles/cloudsql.client on the project. The deployer then needs to set project IAM; set false when an administrator grants the role once by hand."
}
