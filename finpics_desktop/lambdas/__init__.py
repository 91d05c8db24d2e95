"""The two cloud functions as thin AWS Lambda handlers: parse the event, build the AWS
adapters from environment variables, call the same pipeline as the local library."""
