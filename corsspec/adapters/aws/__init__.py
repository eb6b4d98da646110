"""Adapters for AWS surfaces that answer CORS (API Gateway today)."""
