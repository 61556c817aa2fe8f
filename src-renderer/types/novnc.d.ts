// The part of noVNC 1.7's RFB (`import RFB from '@novnc/novnc'`, docs/API.md) Virtdesk uses.
// @types/novnc__novnc describes the pre-1.5 `core/rfb` path, which the package no longer exports.
declare module '@novnc/novnc' {
  export interface RFBOptions {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }

  export interface RFBEventDetail {
    connect: Record<string, never>;
    disconnect: { clean: boolean };
    credentialsrequired: { types: string[] };
    securityfailure: { status: number; reason?: string };
    clipboard: { text: string };
    bell: Record<string, never>;
    desktopname: { name: string };
    capabilities: { capabilities: { power: boolean } };
    clippingviewport: boolean;
    serververification: { type: string; publickey?: Uint8Array };
  }

  /** Not a DOM EventTarget: noVNC's own mixin (listeners get the CustomEvent). */
  export default class RFB {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RFBOptions);

    background: string;
    readonly capabilities: { power: boolean };
    readonly clippingViewport: boolean;
    clipViewport: boolean;
    compressionLevel: number;
    dragViewport: boolean;
    focusOnClick: boolean;
    qualityLevel: number;
    resizeSession: boolean;
    scaleViewport: boolean;
    showDotCursor: boolean;
    viewOnly: boolean;

    approveServer(): void;
    blur(): void;
    clipboardPasteFrom(text: string): void;
    disconnect(): void;
    focus(options?: FocusOptions): void;
    getImageData(): ImageData;
    machineReboot(): void;
    machineReset(): void;
    machineShutdown(): void;
    sendCredentials(credentials: { username?: string; password?: string; target?: string }): void;
    sendCtrlAltDel(): void;
    /** keysym 0 is allowed when `code` names the physical key; `down` omitted = press and release. */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    toBlob(callback: (blob: Blob | null) => void, type?: string, quality?: number): void;
    toDataURL(type?: string, encoderOptions?: number): string;

    addEventListener<K extends keyof RFBEventDetail>(type: K, listener: (e: CustomEvent<RFBEventDetail[K]>) => void): void;
    removeEventListener<K extends keyof RFBEventDetail>(type: K, listener: (e: CustomEvent<RFBEventDetail[K]>) => void): void;
    dispatchEvent(event: Event): boolean;
  }
}
