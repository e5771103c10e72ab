# The platform of the service in one environment: the runtime identity, one Secret Manager
# secret per secret of runtime-contract.yml, and the runtime identity's access to them.
# Secret values are never in Terraform: add a version out of band (see ../README.md).

locals {
  # runtime-contract.yml env.required-secrets and env.optional-secrets: a secret each, in every
  # environment (an optional one may stay without a version until the service uses it).
  contract_secrets = ["DATABASE_URL", "CLERK_SECRET_KEY", "ADMIN_API_KEY", "RESEND_API_KEY"]
  # env.dev-only-secrets: only while the dev auth bypass is allowed, so never in prod.
  dev_only_secrets = ["DEV_BYPASS_SECRET"]

  secret_names = concat(local.contract_secrets, var.allow_dev_auth_bypass ? local.dev_only_secrets : [])
  # secrets.naming "{name}-{environment}": DATABASE_URL in dev -> database-url-dev.
  secret_ids = { for name in local.secret_names : "${lower(replace(name, "_", "-"))}-${var.environment}" => name }
}

resource "google_service_account" "api_runtime" {
  account_id   = var.runtime_account_id
  display_name = "fastapi-service runtime (${var.environment})"
  description  = "Identity of the Cloud Run service: reads its secrets, connects to Cloud SQL."
}

resource "google_secret_manager_secret" "secrets" {
  for_each = local.secret_ids

  secret_id = each.key

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "runtime_access" {
  for_each = google_secret_manager_secret.secrets

  project   = each.value.project
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.api_runtime.member
}

# The service reaches Cloud SQL through the Cloud Run Cloud SQL volume, as the runtime identity.
resource "google_project_iam_member" "runtime_cloud_sql_client" {
  count = var.grant_cloud_sql_client ? 1 : 0

  project = var.project
  role    = "roles/cloudsql.client"
  member  = google_service_account.api_runtime.member
}
