// The OAuth server-to-server token from Adobe IMS.

import { ActionError, type Http } from './http.js'
import { describeFailure, isObject, readJson } from './responses.js'

export interface TokenRequest {
  imsUrl: string
  clientId: string
  clientSecret: string
  scopes: string
}

const WHAT = 'Getting an access token from IMS'

export async function fetchAccessToken(http: Http, request: TokenRequest): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: request.clientId,
    client_secret: request.clientSecret,
    scope: request.scopes
  })
  const response = await http.send({
    method: 'POST',
    url: `${request.imsUrl}/ims/token/v3`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString(),
    what: WHAT,
    // Asking twice only yields a second token: safe to repeat.
    idempotent: true
  })
  if (response.status !== 200) {
    const hint =
      response.status === 400 || response.status === 401
        ? 'Check client-id, client-secret and scopes against the OAuth Server-to-Server credential in the Adobe Developer Console.'
        : undefined
    throw new ActionError(describeFailure(WHAT, response, hint))
  }
  const body = readJson(WHAT, response)
  const token = isObject(body) ? body.access_token : undefined
  if (typeof token !== 'string' || token === '') throw new ActionError(`${WHAT} failed: HTTP 200 came without an access_token. Check that ims-url points at Adobe IMS.`)
  return token
}
