// What the end-to-end suites share: the inputs that point the action at the local server, and
// the requests it received, written as "METHOD /path" with the Flow Service base left out.

import type { FakePlatform } from './fake-platform.mjs'

export const FLOW_BASE = '/data/foundation/flowservice'

/** Client credentials, organisation and both URLs for the local server, then the overrides. */
export function platformInputs(platform: FakePlatform, clientSecret: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'client-id': 'test-client-id',
    'client-secret': clientSecret,
    'ims-org-id': 'TESTORG@AdobeOrg',
    'ims-url': platform.url,
    'platform-url': platform.url,
    ...overrides
  }
}

export function calls(platform: FakePlatform): string[] {
  return platform.requests.map((r) => `${r.method} ${r.path.replace(FLOW_BASE, '')}`)
}
