variable "region" {
  description = "AWS region of the buckets and the worker."
  type        = string
  default     = "eu-central-1"
}

variable "name" {
  description = "Prefix of the IAM names (role, policy, instance profile)."
  type        = string
  default     = "rapport"
}

variable "bucket_name" {
  description = "Bucket that holds the transcripts (RAPPORT_BUCKET)."
  type        = string
}

variable "output_bucket_name" {
  description = "Bucket for the scorecards (RAPPORT_OUTPUT_BUCKET); null = the transcripts bucket."
  type        = string
  default     = null
}

variable "transcripts_prefix" {
  description = "Prefix the worker may read (RAPPORT_INPUT_PREFIX), without slashes at the ends."
  type        = string
  default     = "transcripts"

  validation {
    # No wildcards or empty segments: the prefix is pasted into the policy's resource ARNs.
    condition     = can(regex("^[A-Za-z0-9_.()!'-]+(/[A-Za-z0-9_.()!'-]+)*$", var.transcripts_prefix))
    error_message = "transcripts_prefix must be a plain key prefix such as \"transcripts\" (no *, ?, or leading/trailing /)."
  }
}

variable "scorecards_prefix" {
  description = "Prefix the worker may write (RAPPORT_OUTPUT_PREFIX), without slashes at the ends."
  type        = string
  default     = "scorecards"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.()!'-]+(/[A-Za-z0-9_.()!'-]+)*$", var.scorecards_prefix))
    error_message = "scorecards_prefix must be a plain key prefix such as \"scorecards\" (no *, ?, or leading/trailing /)."
  }
}

variable "noncurrent_version_days" {
  description = "Days to keep replaced object versions (reruns replace a week's outputs)."
  type        = number
  default     = 90
}

variable "worker_trusted_services" {
  description = "AWS services that may assume the worker role (EC2 for a VM worker, ECS for tasks)."
  type        = list(string)
  default     = ["ec2.amazonaws.com"]
}

variable "worker_trusted_role_arns" {
  description = "IAM roles or users that may assume the worker role (e.g. a CI deployer); optional."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = { project = "rapport" }
}
