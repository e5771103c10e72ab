output "runtime_service_account" {
  description = "Email of the runtime service account: the service stack runs the Cloud Run service as it."
  value       = google_service_account.api_runtime.email
}

output "secret_ids" {
  description = "The Secret Manager secret ids of this environment, by environment variable name."
  value       = { for id, name in local.secret_ids : name => google_secret_manager_secret.secrets[id].secret_id }
}
