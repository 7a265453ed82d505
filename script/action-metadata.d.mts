// Types of action-metadata.mjs, the Marketplace's requirements on action.yml.

export declare const DESCRIPTION_LIMIT: number
export declare function readMarketplaceFields(text: string): Record<string, string>
export declare function marketplaceProblems(text: string): string[]
