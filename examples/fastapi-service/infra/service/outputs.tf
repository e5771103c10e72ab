output "url" {
  description = "The service URL (the health check's target)."
  value       = google_cloud_run_v2_service.api.uri
}

output "revision" {
  description = "Name of the revision this apply created, e.g. fastapi-service-00042-xyz: the health check verifies that it is the ready one."
  value       = basename(google_cloud_run_v2_service.api.latest_created_revision)
}
