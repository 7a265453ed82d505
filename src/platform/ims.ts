// The OAuth server-to-server token from Adobe IMS.

import { ActionError } from '../runner/errors.js'
import type { Sender } from './sender.js'
import { type TokenAccess, tokenRequest } from './requests.js'
import { describeFailure, isObject, readJson } from './answers.js'

export async function fetchAccessToken(sender: Sender, access: TokenAccess): Promise<string> {
  const request = tokenRequest(access)
  const what = request.what
  const response = await sender.send(request)
  if (response.status !== 200) {
    const hints: Record<number, string> = {
      400: 'Check client-id, client-secret and scopes against the OAuth Server-to-Server credential in the Adobe Developer Console.',
      401: 'Check client-id, client-secret and scopes against the OAuth Server-to-Server credential in the Adobe Developer Console.',
      404: 'Check ims-url: it must be the IMS origin, such as https://ims-na1.adobelogin.com.'
    }
    const hint = hints[response.status]
    throw new ActionError(describeFailure(what, response, hint))
  }
  const body = readJson(what, response)
  const token = isObject(body) ? body.access_token : undefined
  if (typeof token !== 'string' || token === '') throw new ActionError(`${what} failed: HTTP 200 came without an access_token. Check that ims-url points at Adobe IMS.`)
  return token
}
