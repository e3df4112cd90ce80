output "bucket" {
  description = "Transcripts bucket: RAPPORT_BUCKET on the worker."
  value       = aws_s3_bucket.data[var.bucket_name].bucket
}

output "output_bucket" {
  description = "Scorecards bucket: RAPPORT_OUTPUT_BUCKET on the worker (same as bucket by default)."
  value       = aws_s3_bucket.data[local.output_bucket].bucket
}

output "bucket_arns" {
  description = "ARNs of the buckets."
  value       = [for b in aws_s3_bucket.data : b.arn]
}

output "worker_role_arn" {
  description = "Role the worker assumes (ECS task role, or via the instance profile on EC2)."
  value       = aws_iam_role.worker.arn
}

output "worker_instance_profile" {
  description = "Instance profile for an EC2 worker."
  value       = aws_iam_instance_profile.worker.name
}

output "worker_policy_arn" {
  description = "The worker's S3 policy."
  value       = aws_iam_policy.worker.arn
}

output "worker_policy_json" {
  description = "The rendered worker policy document."
  value       = local.worker_policy
}
