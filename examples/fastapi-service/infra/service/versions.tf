terraform {
  # 1.9 is the first release whose variable validations may refer to other variables (the
  # prod guard on allow_dev_auth_bypass); the pipeline runs 1.11.4.
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.14"
    }
  }

  # The bucket and prefix come from `terraform init -backend-config=…` (the deploy action's
  # backend-config input): one prefix per environment and stack.
  backend "gcs" {}
}

provider "google" {
  project = var.project
  region  = var.region
}
