"""Who may use the making centre's pages and API (none yet): role values, or "anonymous"."""

ROUTES: dict[str, dict[str, set[str]]] = {}

PARAMS: dict[str, object] = {}
