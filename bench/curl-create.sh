#!/usr/bin/env bash
# The two calls users write by hand today (Adobe's tutorial): an IMS token, then POST /connections.
# npm run bench times them beside the action, for the record; reads BASE_URL, CLIENT_ID, CLIENT_SECRET, ORG_ID.
set -euo pipefail
token=$(curl -sS -X POST "$BASE_URL/ims/token/v3" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET&scope=openid,AdobeID,read_organizations,additional_info.projectedProductContext,session" \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -sS -f -X POST "$BASE_URL/data/foundation/flowservice/connections" \
  -H "Authorization: Bearer $token" \
  -H "x-api-key: $CLIENT_ID" \
  -H "x-gw-ims-org-id: $ORG_ID" \
  -H 'x-sandbox-name: prod' \
  -H 'Content-Type: application/json' \
  -d '{"name": "MySQL shop on db.example.com", "description": "by hand", "auth": {"specName": "Connection String Based Authentication", "params": {"connectionString": "Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd=bench-password-1;"}}, "connectionSpec": {"id": "26d738e0-8963-47ea-aadf-c60de735468a", "version": "1.0"}}' \
  >/dev/null
