"""The API's routers, one module per resource (APIRouter with prefix and tags)."""
