"""Self-help groups between meetings: `rules` (groups, members, sharing and who sees what) and
`conversation` (joining and reflecting on the group's theme in the chat)."""
