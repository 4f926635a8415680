"""The open-data API (/api/v1/): public endpoints for what the public pages show, and token-authenticated
endpoints that read through the same scoped selectors as the pages (so the API cannot show what a page
would hide). Top layer: it reads every app, no app knows it."""
