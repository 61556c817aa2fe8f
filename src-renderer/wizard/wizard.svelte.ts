// The New-VM wizard's state: the form (WizardData), the host's create options, OS detection and
// presets, the XML preview and the create call. Validation and the spec are the pure functions
// of wizard-logic.ts; this class only holds the reactive state and talks to the API.
import type { CreateOptions, CreateStep, OsSummary, QemuAccessReport, VmCreateResult, VolumeDetails } from '../../src-main/contract';
import type { MessageKey } from '../i18n';
import { errorCode, errorField, errorMessage, type AppStore } from '../app/stores.svelte';
import {
  GENERIC_DEFAULTS,
  STEPS,
  buildSpec,
  canOpenStep,
  checkAll,
  checkFilePath,
  createSteps,
  defaultPool,
  defaultStorageKind,
  firstBlockedStep,
  initialData,
  inputOfField,
  nameBase,
  nextStep,
  previousStep,
  progressEntries,
  recommendedFields,
  sourceImagePath,
  stepOfField,
  suggestName,
  isFileCheckError,
  sourceFiles,
  warningsAboutFile,
  type FileCheck,
  type ProgressEntry,
  type ProgressEvent,
  type Recommended,
  type SourceKind,
  type StepCheck,
  type StepId,
  type UrlProbe,
  type WizardData,
} from './wizard-logic';

/** A server error shown on the step it belongs to, until the form changes. */
export interface ServerError {
  step: StepId;
  message: string;
  /** The input field the server named (e.g. spec.storage.sizeGiB). */
  field: string | undefined;
  /** 'create': vm.create failed; 'preview': vm.createPreview refused the spec. */
  origin: 'create' | 'preview';
  /** What was left on the host: nothing was created, or everything was rolled back. */
  aftermath: 'nothingCreated' | 'rolledBack' | null;
  /** JSON of the form when it happened: the error hides once the form changes. */
  snapshot: string;
}

export interface Detection {
  /** The file read (ISO, disk image or cloud image). */
  path: string;
  os: OsSummary | null;
  /** How the OS was found: the ISO's volume ID or the file name (null: not found). */
  detectedBy: 'volume-id' | 'file-name' | null;
  volumeId: string;
}

/** A running (or just finished) vm.create and the progress the server reported. */
export interface CreateProgress {
  id: string;
  /** The steps expected for this create (shown as pending until the server gets there). */
  expected: CreateStep[];
  events: ProgressEvent[];
  outcome: 'running' | 'failed' | 'done';
}

/**
 * The plain data of a wizard the user left (e.g. to add a storage pool) to come back to. Only
 * data is kept: a new WizardModel is made from it on return, because a model's derived state
 * belongs to the component instance that made it and stops updating once that one is gone.
 */
export interface KeptWizard {
  connection: string;
  d: WizardData;
  step: StepId;
  nameTouched: boolean;
  storageTouched: boolean;
  resourcesSized: boolean;
  osPickedByHand: boolean;
  recommended: (Recommended & { osName: string }) | null;
  detection: Detection | null;
  detectError: string | null;
  urlProbe: UrlProbe | null;
  fileChecks: Record<string, FileCheck>;
  qemuAccess: Record<string, QemuAccessReport>;
  serverError: ServerError | null;
}

/** A progressId (contract: 1–64 letters, digits, _ or -). */
function newProgressId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return `wiz-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class WizardModel {
  readonly app: AppStore;
  readonly connection: string;

  d = $state<WizardData>(initialData());
  step = $state<StepId>('source');
  options = $state.raw<CreateOptions | null>(null);
  optionsError = $state<string | null>(null);
  optionsLoading = $state(false);

  /** The OS preset in use (null: generic). */
  recommended = $state.raw<(Recommended & { osName: string }) | null>(null);
  defaultsLoading = $state(false);
  defaultsError = $state<string | null>(null);

  detection = $state.raw<Detection | null>(null);
  detecting = $state(false);
  detectError = $state<string | null>(null);
  /** The user picked an OS by hand for the current ISO: detection no longer overrides it. */
  osPickedByHand = $state(false);

  /** os.detectUrl's answer for the install URL (an error blocks the source step while the URL stays). */
  urlProbe = $state.raw<UrlProbe | null>(null);
  urlProbing = $state(false);

  /** os.detect's word on the source's files, by path: missing / unreadable blocks the source step. */
  fileChecks = $state.raw<Record<string, FileCheck>>({});
  /** Paths being looked at now. */
  checkingFiles = $state.raw<string[]>([]);
  /** fs.qemuAccess's word on the source's files, by path (local qemu:///system connections). */
  qemuAccess = $state.raw<Record<string, QemuAccessReport>>({});
  /** A fix of QEMU's access running: the ACL change, or the copy into a pool (with its progress). */
  fixing = $state.raw<{ path: string; kind: 'grant' | 'copy'; done?: number; total?: number } | null>(null);
  fixError = $state.raw<{ path: string; message: string } | null>(null);

  volumes = $state.raw<Record<string, VolumeDetails[]>>({});
  volumesError = $state<string | null>(null);

  preview = $state.raw<{ xml: string; warnings: string[]; spec: string } | null>(null);
  previewLoading = $state(false);

  serverError = $state.raw<ServerError | null>(null);
  creating = $state.raw<{ start: boolean } | null>(null);
  /** The progress of the running create, kept after a failure (the step that failed). */
  progress = $state.raw<CreateProgress | null>(null);
  progressList = $derived<ProgressEntry[]>(this.progress ? progressEntries(this.progress.expected, this.progress.events, this.progress.outcome) : []);

  /** The user typed a name / chose storage: suggestions no longer replace it. */
  nameTouched = $state(false);
  storageTouched = $state(false);
  /** The proposed resources were sized to the host (once, when its options first came). */
  resourcesSized = false;

  existingNames = $derived.by(() => this.app.vmNames(this.connection));
  checks = $derived.by<Record<StepId, StepCheck>>(() =>
    checkAll(this.d, {
      options: this.options,
      existingNames: this.existingNames,
      volumes: this.d.existingPool ? this.volumes[this.d.existingPool] : undefined,
      recommended: this.recommended,
      urlProbe: this.urlProbe,
      fileChecks: this.fileChecks,
      qemuAccess: this.qemuAccess,
    }),
  );
  current = $derived(this.checks[this.step]);
  blocked = $derived(firstBlockedStep(this.checks));
  formJson = $derived(JSON.stringify(this.d));
  /** The server error, while the form is as it was when it happened. */
  visibleServerError = $derived(this.serverError && this.serverError.snapshot === this.formJson ? this.serverError : null);
  /** Create stays off while a step cannot go on or the server refused the preview of this form. */
  createBlocked = $derived(this.blocked !== null || this.visibleServerError?.origin === 'preview' || this.checkingFiles.length > 0 || this.fixing !== null);

  private previewSeq = 0;
  private detectSeq = 0;
  private urlSeq = 0;
  private probingUrl: string | null = null;
  private defaultsSeq = 0;

  constructor(app: AppStore, connection: string) {
    this.app = app;
    this.connection = connection;
  }

  /** The data to come back to (see KeptWizard); nothing reactive. */
  keep(): KeptWizard {
    return {
      connection: this.connection,
      d: $state.snapshot(this.d) as WizardData,
      step: this.step,
      nameTouched: this.nameTouched,
      storageTouched: this.storageTouched,
      resourcesSized: this.resourcesSized,
      osPickedByHand: this.osPickedByHand,
      recommended: this.recommended,
      detection: this.detection,
      detectError: this.detectError,
      urlProbe: this.urlProbe,
      fileChecks: this.fileChecks,
      qemuAccess: this.qemuAccess,
      serverError: this.serverError,
    };
  }

  /** A new model (owned by the component that calls this) holding kept data. */
  static restore(app: AppStore, kept: KeptWizard): WizardModel {
    const w = new WizardModel(app, kept.connection);
    w.d = kept.d;
    w.step = kept.step;
    w.nameTouched = kept.nameTouched;
    w.storageTouched = kept.storageTouched;
    w.resourcesSized = kept.resourcesSized;
    w.osPickedByHand = kept.osPickedByHand;
    w.recommended = kept.recommended;
    w.detection = kept.detection;
    w.detectError = kept.detectError;
    w.urlProbe = kept.urlProbe;
    w.fileChecks = kept.fileChecks;
    w.qemuAccess = kept.qemuAccess;
    w.serverError = kept.serverError;
    return w;
  }

  private get api() {
    return this.app.client.api;
  }

  // ---- loading ----
  async loadOptions(): Promise<void> {
    this.optionsLoading = true;
    this.optionsError = null;
    try {
      const o = await this.api['host.createOptions']({ connection: this.connection });
      this.options = o;
      if (!this.d.pool || !o.pools.some((p) => p.name === this.d.pool)) this.d.pool = defaultPool(o);
      if (!this.d.existingPool || !o.pools.some((p) => p.name === this.d.existingPool)) this.d.existingPool = defaultPool(o);
      if (this.d.networkName === '' || !o.networks.some((n) => n.name === this.d.networkName)) {
        this.d.networkName = (o.networks.find((n) => n.name === 'default') ?? o.networks[0])?.name ?? '';
      }
      if (!this.resourcesSized) {
        // The first answer: size the proposed memory, vCPUs and disk to this host.
        this.resourcesSized = true;
        const f = recommendedFields(this.recommended ?? GENERIC_DEFAULTS, o);
        Object.assign(this.d, { memoryText: f.memoryText, memoryUnit: f.memoryUnit, vcpusText: f.vcpusText, sizeText: f.sizeText });
      } else if (o.cpus > 0 && Number(this.d.vcpusText) > o.cpus) this.d.vcpusText = String(o.cpus);
      if (!o.pools.some((p) => p.active) && !this.storageTouched && this.d.storageKind === 'new') this.d.storageKind = defaultStorageKind(this.d.sourceKind);
    } catch (e) {
      this.optionsError = errorMessage(e);
    } finally {
      this.optionsLoading = false;
    }
  }

  async loadVolumes(pool: string): Promise<void> {
    if (!pool) return;
    this.volumesError = null;
    try {
      const list = await this.api['volume.list']({ connection: this.connection, pool });
      this.volumes = { ...this.volumes, [pool]: list };
    } catch (e) {
      this.volumesError = errorMessage(e);
    }
  }

  /** Whether an input is what the current step's problem (or the server's error) is about. */
  isInvalid(input: string): boolean {
    const p = this.current.problem;
    if (p && p.kind === 'invalid' && p.input === input) return true;
    const e = this.visibleServerError;
    return !!e && e.step === this.step && inputOfField(e.field, this.d) === input;
  }

  // ---- steps ----
  canOpen(step: StepId): boolean {
    return canOpenStep(step, this.checks);
  }

  go(step: StepId): void {
    if (!this.canOpen(step) || this.creating) return;
    this.step = step;
    this.onEnter(step);
  }

  next(): void {
    if (this.current.problem || this.urlProbing) return;
    if (this.step === 'source' && this.d.sourceKind === 'url') {
      // The install URL is looked at first: one that does not answer stays on this step.
      void this.probeUrl().then((ok) => {
        if (ok && this.step === 'source' && !this.current.problem) this.go('os');
      });
      return;
    }
    if (this.step === 'source' && this.options?.local && sourceFiles(this.d).some((f) => !this.fileChecks[f.path])) {
      // Files not looked at yet are looked at first: a missing one stays on this step.
      void this.checkSourceFiles().then(() => {
        if (this.step === 'source' && !this.current.problem) this.go('os');
      });
      return;
    }
    const n = nextStep(this.step);
    if (n) this.go(n);
  }

  back(): void {
    const p = previousStep(this.step);
    if (p && !this.creating) {
      this.step = p;
      this.onEnter(p);
    }
  }

  private onEnter(step: StepId): void {
    if (step === 'os') this.maybeDetect();
    if (step === 'storage' && this.d.storageKind === 'existing') void this.loadVolumes(this.d.existingPool);
    if (step === 'summary') {
      if (!this.nameTouched) this.d.name = suggestName(nameBase(this.d), this.existingNames);
      void this.refreshPreview();
    }
  }

  setSourceKind(kind: SourceKind): void {
    this.d.sourceKind = kind;
    if (kind === 'cloud') {
      // The VM gets its own copy of the cloud image: always a new volume.
      this.d.storageKind = 'new';
    } else if (!this.storageTouched) {
      const k = defaultStorageKind(kind);
      this.d.storageKind = k === 'new' && this.options && !this.options.pools.some((p) => p.active) ? 'none' : k;
    }
  }

  // ---- operating system ----
  /**
   * Finds the OS of the source and preselects it: the install tree of a URL (os.detectUrl), or
   * the ISO / disk image / cloud image (os.detect: volume ID, else file name; local connections
   * only, the file is read on this computer).
   */
  maybeDetect(): void {
    if (this.d.sourceKind === 'url') {
      const url = this.d.url.trim();
      if (this.urlProbe?.url !== url && this.probingUrl !== url) void this.probeUrl();
      return;
    }
    if (this.d.sourceKind === 'kernel' || !this.options?.local) return;
    const path = sourceImagePath(this.d);
    if (path === '' || this.detection?.path === path || this.detectingPath === path) return;
    void this.detect(path);
  }

  /** The current URL's detection, when it found an install tree. */
  get urlInfo() {
    const p = this.urlProbe;
    return p && p.url === this.d.url.trim() ? p.info : null;
  }

  /** Looks at the install URL again (e.g. after the web server was started). */
  retryUrl(): void {
    this.urlProbe = null;
    void this.probeUrl();
  }

  /** Asks the server what the install URL holds; true when it is a known tree. */
  async probeUrl(): Promise<boolean> {
    const url = this.d.url.trim();
    if (this.urlProbe?.url === url) return this.urlProbe.error === null;
    const run = ++this.urlSeq;
    this.urlProbing = true;
    this.probingUrl = url;
    try {
      const info = await this.api['os.detectUrl']({ url });
      if (run !== this.urlSeq) return false;
      this.urlProbe = { url, info, error: null };
      this.osPickedByHand = false;
      if (info.os) await this.chooseOs(info.os, false);
      else if (this.d.os) await this.chooseOs(null, false); // an OS found for an earlier source no longer applies
      return true;
    } catch (e) {
      if (run !== this.urlSeq) return false;
      this.urlProbe = { url, info: null, error: errorMessage(e) };
      return false;
    } finally {
      if (run === this.urlSeq) {
        this.urlProbing = false;
        this.probingUrl = null;
      }
    }
  }

  private detectingPath: string | null = null;

  /** Records what os.detect said about a file (an error that is not about the file is no verdict). */
  private noteFile(path: string, error: unknown, result: object | null): void {
    let check: FileCheck | null = null;
    if (result) {
      // The core may add the QEMU-readability warning to os.detect's answer (optional field).
      const warnings = (result as { warnings?: unknown }).warnings;
      check = { error: null, warnings: Array.isArray(warnings) ? warnings.filter((x): x is string => typeof x === 'string') : [] };
    } else if (isFileCheckError(error instanceof Error ? error.message : String(error))) {
      // Recognized by the server's English words; shown in the UI's language.
      check = { error: errorMessage(error), warnings: [] };
    }
    const rest = { ...this.fileChecks };
    delete rest[path];
    this.fileChecks = check ? { ...rest, [path]: check } : rest;
    if (check && check.error === null) void this.checkQemuAccess(path);
  }

  /** Asks whether QEMU's user can open the file (local connections; the answer names what keeps it out). */
  async checkQemuAccess(path: string): Promise<void> {
    if (!this.options?.local) return;
    try {
      const r = await this.api['fs.qemuAccess']({ connection: this.connection, path });
      this.qemuAccess = { ...this.qemuAccess, [path]: r };
    } catch {
      // No verdict (e.g. the file went away meanwhile): the file check says why.
      const rest = { ...this.qemuAccess };
      delete rest[path];
      this.qemuAccess = rest;
    }
  }

  /** "Let QEMU read it": the ACL changes the person saw, then the file is looked at again. */
  async grantQemuAccess(path: string): Promise<void> {
    const report = this.qemuAccess[path];
    if (!report || this.fixing) return;
    this.fixing = { path, kind: 'grant' };
    this.fixError = null;
    try {
      const r = await this.api['fs.grantQemuAccess']({ connection: this.connection, path, paths: report.changes.map((c) => c.path) });
      this.qemuAccess = { ...this.qemuAccess, [path]: r };
      this.fixing = null;
      this.recheckSourceFiles();
    } catch (e) {
      this.fixError = { path, message: errorMessage(e) };
      this.fixing = null;
    }
  }

  /** "Copy into a storage pool": the source then names the new volume, which is looked at again. */
  async copyIntoPool(path: string, pool: string): Promise<void> {
    if (this.fixing) return;
    const progressId = newProgressId();
    this.fixing = { path, kind: 'copy' };
    this.fixError = null;
    const off = this.app.client.onEvent((e) => {
      if (e.type === 'fs.copyProgress' && e.progressId === progressId && this.fixing?.path === path) this.fixing = { path, kind: 'copy', done: e.done, total: e.total };
    });
    try {
      const r = await this.api['fs.copyToPool']({ connection: this.connection, path, pool, progressId });
      const f = sourceFiles(this.d).find((x) => x.path === path);
      if (f) (this.d as unknown as Record<string, string>)[f.input] = r.path;
      this.fixing = null;
      void this.loadOptions();
      void this.checkSourceFiles();
    } catch (e) {
      this.fixError = { path, message: errorMessage(e) };
      this.fixing = null;
    } finally {
      off();
    }
  }

  /**
   * Looks at the source's files as they are chosen (local connections: os.detect reads them
   * here): a missing file stops the source step, not the create. ISO, disk and cloud images are
   * detected (which also picks the OS); a kernel and initrd are only checked.
   */
  async checkSourceFiles(): Promise<void> {
    if (!this.options?.local) return;
    const image = sourceImagePath(this.d);
    await Promise.all(
      sourceFiles(this.d).map(async ({ path }) => {
        if (this.fileChecks[path] || this.checkingFiles.includes(path) || checkFilePath(path, undefined, 'check.isoRequired')) return;
        this.checkingFiles = [...this.checkingFiles, path];
        try {
          if (path === image) {
            if (this.detection?.path !== path && this.detectingPath !== path) await this.detect(path);
            else if (this.detectingPath === path) return;
          } else {
            try {
              this.noteFile(path, null, await this.api['os.detect']({ connection: this.connection, path }));
            } catch (e) {
              this.noteFile(path, e, null);
            }
          }
        } finally {
          this.checkingFiles = this.checkingFiles.filter((p) => p !== path);
        }
      }),
    );
  }

  /** Looks at the files again (e.g. after the user copied the ISO into place). */
  recheckSourceFiles(): void {
    const paths = new Set(sourceFiles(this.d).map((f) => f.path));
    this.fileChecks = Object.fromEntries(Object.entries(this.fileChecks).filter(([p]) => !paths.has(p)));
    this.qemuAccess = Object.fromEntries(Object.entries(this.qemuAccess).filter(([p]) => !paths.has(p)));
    if (this.detection && paths.has(this.detection.path)) this.detection = null;
    void this.checkSourceFiles();
  }

  async detect(path: string): Promise<void> {
    const run = ++this.detectSeq;
    this.detecting = true;
    this.detectingPath = path;
    this.detectError = null;
    try {
      const r = await this.api['os.detect']({ connection: this.connection, path });
      this.noteFile(path, null, r);
      if (run !== this.detectSeq) return;
      this.detection = { path, os: r.os, detectedBy: r.detectedBy ?? (r.os ? 'volume-id' : null), volumeId: r.volumeId };
      this.osPickedByHand = false;
      if (r.os) await this.chooseOs(r.os, false);
      else if (this.d.os) await this.chooseOs(null, false); // an OS detected on an earlier ISO no longer applies
    } catch (e) {
      this.noteFile(path, e, null);
      if (run !== this.detectSeq) return;
      this.detection = { path, os: null, detectedBy: null, volumeId: '' };
      this.detectError = errorMessage(e);
    } finally {
      if (run === this.detectSeq) {
        this.detecting = false;
        this.detectingPath = null;
      }
    }
  }

  /** Picks an OS (null: generic) and applies its recommended memory, vCPUs, disk, firmware. */
  async chooseOs(os: OsSummary | null, byHand = true): Promise<void> {
    const run = ++this.defaultsSeq;
    this.d.os = os;
    if (byHand) this.osPickedByHand = true;
    this.defaultsError = null;
    if (!os) {
      this.recommended = null;
      Object.assign(this.d, recommendedFields(GENERIC_DEFAULTS, this.options));
      return;
    }
    this.defaultsLoading = true;
    try {
      const r = await this.api['os.defaults']({ id: os.id });
      if (run !== this.defaultsSeq) return;
      const rec: Recommended = { memoryMiB: r.memoryMiB, vcpus: r.vcpus, diskGiB: r.diskGiB, firmware: r.firmware, tpm: r.tpm };
      this.recommended = { ...rec, osName: r.os.name };
      Object.assign(this.d, recommendedFields(rec, this.options));
    } catch (e) {
      if (run !== this.defaultsSeq) return;
      this.recommended = null;
      this.defaultsError = errorMessage(e);
    } finally {
      if (run === this.defaultsSeq) this.defaultsLoading = false;
    }
  }

  // ---- summary ----
  /** The spec as JSON when every step can go on (the preview is made for it), else null. */
  specJson(): string | null {
    return this.blocked === null ? JSON.stringify(buildSpec(this.d)) : null;
  }

  async refreshPreview(): Promise<void> {
    const json = this.specJson();
    if (json === null) {
      this.preview = null;
      return;
    }
    if (this.preview?.spec === json) return;
    const run = ++this.previewSeq;
    this.previewLoading = true;
    try {
      const r = await this.api['vm.createPreview']({ connection: this.connection, spec: JSON.parse(json) });
      if (run !== this.previewSeq) return;
      this.preview = { xml: r.xml, warnings: r.warnings, spec: json };
      // What the preview says about a source file (e.g. QEMU cannot read it) shows at the source step too.
      for (const { path } of sourceFiles(this.d)) {
        const about = warningsAboutFile(r.warnings, path);
        const known = this.fileChecks[path];
        if (about.length && known && known.error === null) this.fileChecks = { ...this.fileChecks, [path]: { error: null, warnings: [...new Set([...known.warnings, ...about])] } };
      }
      if (this.serverError?.origin === 'preview') this.serverError = null;
    } catch (e) {
      if (run !== this.previewSeq) return;
      this.preview = null;
      this.setServerError(e, 'preview');
    } finally {
      if (run === this.previewSeq) this.previewLoading = false;
    }
  }

  private setServerError(e: unknown, origin: 'create' | 'preview'): StepId {
    const code = errorCode(e);
    const validation = code === 'INVALID_INPUT' || code === 'NOT_FOUND';
    const step = (validation ? stepOfField(errorField(e)) : null) ?? 'summary';
    this.serverError = {
      step,
      message: errorMessage(e),
      field: errorField(e),
      origin,
      aftermath: origin === 'preview' ? null : validation ? 'nothingCreated' : 'rolledBack',
      snapshot: this.formJson,
    };
    return step;
  }

  /**
   * Creates the VM, showing the server's vm.createProgress events for it; on success the caller
   * goes to its details (Console tab when started).
   */
  async create(start: boolean): Promise<VmCreateResult | null> {
    if (this.createBlocked || this.creating) return null;
    const id = newProgressId();
    this.creating = { start };
    this.serverError = null;
    this.progress = { id, expected: createSteps(this.d, start), events: [], outcome: 'running' };
    const off = this.app.client.onEvent((e) => {
      if (e.type !== 'vm.createProgress' || e.progressId !== id || this.progress?.id !== id) return;
      const ev: ProgressEvent = { step: e.step, ...(e.detail !== undefined ? { detail: e.detail } : {}), ...(e.done !== undefined ? { done: e.done } : {}), ...(e.total !== undefined ? { total: e.total } : {}) };
      // Downloads and copies report many times per step: keep one entry per step (the latest).
      const events = this.progress.events;
      const last = events[events.length - 1];
      this.progress = { ...this.progress, events: last && last.step === ev.step ? [...events.slice(0, -1), { ...last, ...ev }] : [...events, ev] };
    });
    try {
      const r = await this.api['vm.create']({ connection: this.connection, spec: buildSpec(this.d), start, progressId: id });
      if (this.progress?.id === id) this.progress = { ...this.progress, outcome: 'done' };
      return r;
    } catch (e) {
      if (this.progress?.id === id) this.progress = { ...this.progress, outcome: 'failed' };
      const step = this.setServerError(e, 'create');
      if (step !== this.step) this.step = step;
      return null;
    } finally {
      off();
      this.creating = null;
    }
  }
}

/** The step's label key. */
export const STEP_LABELS: Record<StepId, MessageKey> = {
  source: 'wizard.step.source',
  os: 'wizard.step.os',
  resources: 'wizard.step.resources',
  storage: 'wizard.step.storage',
  network: 'wizard.step.network',
  firmware: 'wizard.step.firmware',
  summary: 'wizard.step.summary',
};

export { STEPS };
