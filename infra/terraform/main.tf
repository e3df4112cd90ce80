# Rapport's cloud resources: the transcript/scorecard bucket(s), hardened, and the worker's
# least-privilege role. The worker's policy document lives in ../iam/worker-policy.json so that
# tests can check the exact document; it is rendered here with templatefile.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

locals {
  output_bucket = coalesce(var.output_bucket_name, var.bucket_name)
  buckets       = toset([var.bucket_name, local.output_bucket])
  same_bucket   = local.output_bucket == var.bucket_name

  worker_policy = templatefile("${path.module}/../iam/worker-policy.json", {
    bucket             = var.bucket_name
    output_bucket      = local.output_bucket
    transcripts_prefix = var.transcripts_prefix
    scorecards_prefix  = var.scorecards_prefix
  })
}

# --- Buckets ---------------------------------------------------------------------------------

resource "aws_s3_bucket" "data" {
  for_each = local.buckets

  bucket = each.value
}

resource "aws_s3_bucket_public_access_block" "data" {
  for_each = aws_s3_bucket.data

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs off: the bucket owner owns every object and access is decided by policies alone.
resource "aws_s3_bucket_ownership_controls" "data" {
  for_each = aws_s3_bucket.data

  bucket = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# SSE-S3 needs no key permissions on the worker; see docs/deploy.md for switching to SSE-KMS.
resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = aws_s3_bucket.data

  bucket = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = aws_s3_bucket.data

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  for_each = aws_s3_bucket.data

  bucket     = each.value.id
  depends_on = [aws_s3_bucket_versioning.data]

  rule {
    id     = "expire-replaced-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  for_each = aws_s3_bucket.data

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      each.value.arn,
      "${each.value.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each = aws_s3_bucket.data

  bucket = each.value.id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.data]
}

# --- Worker role -----------------------------------------------------------------------------

data "aws_iam_policy_document" "worker_trust" {
  statement {
    sid     = "AssumeByService"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.worker_trusted_services
    }
  }

  dynamic "statement" {
    for_each = length(var.worker_trusted_role_arns) > 0 ? [1] : []

    content {
      sid     = "AssumeByPrincipal"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = var.worker_trusted_role_arns
      }
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  description        = "Rapport weekly audit worker: reads transcripts, writes scorecards."
  assume_role_policy = data.aws_iam_policy_document.worker_trust.json
}

resource "aws_iam_policy" "worker" {
  name        = "${var.name}-worker-s3"
  description = "Read the transcripts prefix, read and write the scorecards prefix, nothing else."
  policy      = jsonencode(jsondecode(local.worker_policy))

  lifecycle {
    precondition {
      condition = !local.same_bucket || !(
        startswith("${var.scorecards_prefix}/", "${var.transcripts_prefix}/") ||
        startswith("${var.transcripts_prefix}/", "${var.scorecards_prefix}/")
      )
      error_message = "In one bucket, the scorecards and transcripts prefixes must not contain each other."
    }
  }
}

resource "aws_iam_role_policy_attachment" "worker" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.worker.arn
}

resource "aws_iam_instance_profile" "worker" {
  name = "${var.name}-worker"
  role = aws_iam_role.worker.name
}
