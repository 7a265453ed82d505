// Types of scenario.mjs: the inputs and request listing the end-to-end suites and the bench share.

import type { FakePlatform } from './fake-platform.mjs'

export declare const FLOW_BASE: '/data/foundation/flowservice'

/** host db.example.com, database shop, username etl: add the password. */
export declare const DATABASE: Readonly<{ host: string; database: string; username: string }>

/** Client credentials, organisation and both URLs for the local server, then the overrides. */
export declare function platformInputs(platform: Pick<FakePlatform, 'url'>, clientSecret: string, overrides?: Record<string, string>): Record<string, string>

/** The requests the platform received, as "METHOD /path" with the Flow Service base left out. */
export declare function calls(platform: Pick<FakePlatform, 'requests'>): string[]
