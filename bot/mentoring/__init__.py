"""The people behind the dashboard and their cases, without a web framework (api/dashboard/ and
api/mentor_api.py are thin over this package).

- Cases: `escalation` (a case per crisis; severity only rises), `notify` (webhook / e-mail),
  `casework` (who may act on a case), `handover` (a mentor takes over the conversation).
- Accounts: `accounts` (roles, argon2 passwords, API tokens), `signin` (rate-limited sign-in,
  sessions, CSRF), `invitations` (signed one-time links), `totp` (optional second factor).
- `audit`: the append-only log of who did what and when.
- Care for the helpers: `caseload` (a cap on open cases), `care` (private debriefs, each mentor's load).
"""
