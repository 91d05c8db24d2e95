"""Adapters of the ports: ``local`` (the embedded library) and ``aws`` (boto3)."""
