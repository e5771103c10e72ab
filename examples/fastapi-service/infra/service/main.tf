# The Cloud Run service, with the environment runtime-contract.yml describes: secrets from
# Secret Manager (never plain values), plain variables, and the two dev-only variables only
# when the dev auth bypass is allowed. The platform stack creates the secrets and the runtime
# service account, and is applied first.

locals {
  runtime_service_account = "${var.runtime_account_id}@${var.project}.iam.gserviceaccount.com"

  # env.optional-plain: set only when given.
  optional_plain_env = {
    for name, value in {
      CLERK_ISSUER      = var.clerk_issuer
      RESEND_FROM_EMAIL = var.resend_from_email
    } : name => value if value != ""
  }
}

resource "google_cloud_run_v2_service" "api" {
  name     = var.service_name
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  # The API authenticates its callers itself (Clerk tokens): anyone may reach it.
  invoker_iam_disabled = true
  deletion_protection  = true

  # The deploy action's stale-commit guard reads this label back from the live service.
  labels = {
    "commit-sha" = var.commit_sha
  }

  template {
    service_account                  = local.runtime_service_account
    max_instance_request_concurrency = 80
    timeout                          = "300s"

    scaling {
      min_instance_count = 0
      max_instance_count = var.max_instances
    }

    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [var.cloud_sql_instance]
      }
    }

    containers {
      image = var.image

      ports {
        container_port = 8080
      }

      resources {
        cpu_idle = true
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }

      startup_probe {
        period_seconds    = 3
        timeout_seconds   = 2
        failure_threshold = 20
        http_get {
          path = "/health"
        }
      }

      volume_mounts {
        name       = "cloudsql"
        mount_path = "/cloudsql"
      }

      # env.required-plain
      env {
        name  = "ENV"
        value = var.environment
      }
      env {
        name  = "BASE_URL"
        value = var.base_url
      }
      env {
        name  = "CLERK_JWKS_URL"
        value = var.clerk_jwks_url
      }

      # env.optional-plain
      env {
        name  = "COMMIT_SHA"
        value = var.commit_sha
      }
      dynamic "env" {
        for_each = local.optional_plain_env
        content {
          name  = env.key
          value = env.value
        }
      }

      # env.required-secrets: Secret Manager, secrets.naming "{name}-{environment}".
      env {
        name = "DATABASE_URL"
        value_source {
          secret_key_ref {
            secret  = "database-url-${var.environment}"
            version = "latest"
          }
        }
      }
      env {
        name = "CLERK_SECRET_KEY"
        value_source {
          secret_key_ref {
            secret  = "clerk-secret-key-${var.environment}"
            version = "latest"
          }
        }
      }
      env {
        name = "ADMIN_API_KEY"
        value_source {
          secret_key_ref {
            secret  = "admin-api-key-${var.environment}"
            version = "latest"
          }
        }
      }

      # env.optional-secrets: only when enabled (the secret needs a version then).
      dynamic "env" {
        for_each = var.resend_enabled ? ["RESEND_API_KEY"] : []
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = "resend-api-key-${var.environment}"
              version = "latest"
            }
          }
        }
      }

      # env.dev-only-plain and env.dev-only-secrets: only while the dev auth bypass is allowed,
      # which variable "allow_dev_auth_bypass" refuses in prod.
      dynamic "env" {
        for_each = var.allow_dev_auth_bypass ? ["ALLOW_DEV_AUTH_BYPASS"] : []
        content {
          name  = env.value
          value = "true"
        }
      }
      dynamic "env" {
        for_each = var.allow_dev_auth_bypass ? ["DEV_BYPASS_SECRET"] : []
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = "dev-bypass-secret-${var.environment}"
              version = "latest"
            }
          }
        }
      }
    }
  }

  # Where a new service starts: all traffic on the latest revision, as Cloud Run does.
  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  # Terraform owns the service's configuration; the pipeline owns its traffic. The deploy action
  # (traffic: hold) pins the serving split by name before the plan, so that the new revision
  # starts at 0 %; health-check checks it on its tag URL and promote moves the traffic in steps.
  # Without this, every apply would send the traffic back to what is written above, and
  # Terraform and the pipeline would fight over it.
  lifecycle {
    ignore_changes = [traffic]
  }
}
