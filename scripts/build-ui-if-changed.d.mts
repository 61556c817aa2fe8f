export declare const RENDERER_INPUTS: string[];
export declare const STAMP: string;
export declare function rendererInputsHash(root: string): string;
export declare function isUpToDate(root: string, hash: string): boolean;
export declare function buildIfChanged(root: string, build: () => void): boolean;
