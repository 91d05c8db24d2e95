"""The AWS adapters of the three ports (S3, DynamoDB, Rekognition) and search through the
deployed search Lambda. The only place (with the Lambda handlers) that imports boto3."""
