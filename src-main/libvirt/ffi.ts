// koffi declarations of the libvirt C API. Only src-main/libvirt/ imports this file, and only
// the host process loads it (see docs/koffi.md). Every type is declared once, at load time, and
// every function once, on first use (fns below): building koffi types in a hot path leaks.
//
// Conventions used below (each one was a crash in the design notes):
// - `char *!` only where libvirt documents that the caller frees; borrowed strings are `const char *`.
// - Pointers are bare BigInts in koffi 3: the safe wrapper in binding.ts owns them.
// - No `.async` calls: libvirt keeps its last error per OS thread.
import koffi from 'koffi';

const lib = koffi.load('libvirt.so.0');

// Opaque handle types.
for (const name of ['virConnect', 'virDomain', 'virStoragePool', 'virStorageVol', 'virNetwork', 'virStream', 'virDomainSnapshot', 'virNodeDevice']) {
  koffi.pointer(`${name}Ptr`, koffi.opaque(name));
}

export const ErrorStruct = koffi.struct('virError', {
  code: 'int',
  domain: 'int',
  message: 'const char *',
  level: 'int',
  conn: 'void *',
  dom: 'void *',
  str1: 'const char *',
  str2: 'const char *',
  str3: 'const char *',
  int1: 'int',
  int2: 'int',
  net: 'void *',
});

koffi.struct('virNodeInfo', {
  model: koffi.array('char', 32, 'String'),
  memory: 'unsigned long',
  cpus: 'unsigned int',
  mhz: 'unsigned int',
  nodes: 'unsigned int',
  sockets: 'unsigned int',
  cores: 'unsigned int',
  threads: 'unsigned int',
});

koffi.struct('virDomainInfo', {
  state: 'unsigned char',
  maxMem: 'unsigned long',
  memory: 'unsigned long',
  nrVirtCpu: 'unsigned short',
  cpuTime: 'unsigned long long',
});

koffi.struct('virStoragePoolInfo', {
  state: 'int',
  capacity: 'unsigned long long',
  allocation: 'unsigned long long',
  available: 'unsigned long long',
});

koffi.struct('virStorageVolInfo', {
  type: 'int',
  capacity: 'unsigned long long',
  allocation: 'unsigned long long',
});

/** struct _virDomainStatsRecord { virDomainPtr dom; virTypedParameterPtr params; int nparams; } */
export const StatsRecordStruct = koffi.struct('virDomainStatsRecord', {
  dom: 'void *',
  params: 'void *',
  nparams: 'int',
});

/** sizeof(virTypedParameter): char field[80]; int type; union value (8 bytes, at offset 88). */
export const TYPED_PARAM_SIZE = 96;
export const TYPED_PARAM_VALUE_OFFSET = 88;

/** sizeof(virNodeCPUStats): char field[80]; unsigned long long value (at offset 80). */
export const NODE_CPU_STAT_SIZE = 88;

// Callback prototypes. Each is registered once per process (callbacks.ts) and routed by id.
export const EventHandleCallback = koffi.proto('void virEventHandleCallback(int watch, int fd, int events, void *opaque)');
export const EventTimeoutCallback = koffi.proto('void virEventTimeoutCallback(int timer, void *opaque)');
export const FreeCallback = koffi.proto('void virFreeCallback(void *opaque)');
export const EventAddHandleFunc = koffi.proto(
  'int virEventAddHandleFunc(int fd, int event, void *cb, void *opaque, void *ff)',
);
export const EventUpdateHandleFunc = koffi.proto('void virEventUpdateHandleFunc(int watch, int event)');
export const EventRemoveHandleFunc = koffi.proto('int virEventRemoveHandleFunc(int watch)');
export const EventAddTimeoutFunc = koffi.proto('int virEventAddTimeoutFunc(int timeout, void *cb, void *opaque, void *ff)');
export const EventUpdateTimeoutFunc = koffi.proto('void virEventUpdateTimeoutFunc(int timer, int timeout)');
export const EventRemoveTimeoutFunc = koffi.proto('int virEventRemoveTimeoutFunc(int timer)');
export const DomainLifecycleCallback = koffi.proto(
  'int virConnectDomainEventCallback(void *conn, void *dom, int event, int detail, void *opaque)',
);
export const DomainGenericCallback = koffi.proto('void virConnectDomainEventGenericCallback(void *conn, void *dom, void *opaque)');
/** VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: devAlias is libvirt's (borrowed) string. */
export const DomainDeviceRemovedCallback = koffi.proto('void virConnectDomainEventDeviceRemovedCallback(void *conn, void *dom, const char *devAlias, void *opaque)');
export const ConnectCloseCallback = koffi.proto('void virConnectCloseFunc(void *conn, int reason, void *opaque)');
export const StreamEventCallback = koffi.proto('void virStreamEventCallback(void *stream, int events, void *opaque)');
/** virConnectAuthCallbackPtr: cred is an array of ncred virConnectCredential structs (48 bytes each). */
export const ConnectAuthCallback = koffi.proto('int virConnectAuthCallback(void *cred, unsigned int ncred, void *cbdata)');
/** struct _virConnectAuth { int *credtype; unsigned int ncredtype; virConnectAuthCallbackPtr cb; void *cbdata; } */
export const ConnectAuthStruct = koffi.struct('virConnectAuth', { credtype: 'int *', ncredtype: 'unsigned int', cb: 'void *', cbdata: 'void *' });

/** A declared libvirt function (koffi does not export its own function type). */
export type NativeFunction = ReturnType<typeof lib.func>;

/**
 * The functions, each declared on first use and then kept: declaring all ~140 at load costs a
 * one-shot CLI command (`list` calls ~20) milliseconds for functions it never calls. Still once per
 * function per process (never rebuilt); a declaration libvirt cannot satisfy fails where that
 * function is first used (test/unit/libvirt/ffi-declarations.test.ts declares them all).
 */
function fns<T extends Record<string, string>>(decls: T): { readonly [K in keyof T]: NativeFunction } {
  const out = {} as { [K in keyof T]: NativeFunction };
  for (const key of Object.keys(decls) as (keyof T)[]) {
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        const fn = lib.func(decls[key]);
        Object.defineProperty(out, key, { value: fn, enumerable: true });
        return fn;
      },
    });
  }
  return out;
}

export const lv = fns({
  // library, errors, event loop
  virInitialize: 'int virInitialize()',
  virGetVersion: 'int virGetVersion(_Out_ unsigned long *libVer, const char *type, _Out_ unsigned long *typeVer)',
  virGetLastError: 'void *virGetLastError()',
  virResetLastError: 'void virResetLastError()',
  virSetErrorFunc: 'void virSetErrorFunc(void *userData, void *handler)',
  virEventRegisterImpl:
    'void virEventRegisterImpl(virEventAddHandleFunc *a, virEventUpdateHandleFunc *b, virEventRemoveHandleFunc *c, virEventAddTimeoutFunc *d, virEventUpdateTimeoutFunc *e, virEventRemoveTimeoutFunc *f)',

  // connection and host
  virConnectOpen: 'virConnectPtr virConnectOpen(const char *name)',
  // auth: a virConnectAuth struct (connect-auth.ts builds it); its callback runs on the calling thread.
  virConnectOpenAuth: 'virConnectPtr virConnectOpenAuth(const char *name, virConnectAuth *auth, unsigned int flags)',
  virConnectClose: 'int virConnectClose(virConnectPtr conn)',
  virConnectGetLibVersion: 'int virConnectGetLibVersion(virConnectPtr conn, _Out_ unsigned long *v)',
  virConnectGetVersion: 'int virConnectGetVersion(virConnectPtr conn, _Out_ unsigned long *v)',
  virConnectGetHostname: 'char *! virConnectGetHostname(virConnectPtr conn)',
  virConnectGetURI: 'char *! virConnectGetURI(virConnectPtr conn)',
  virConnectGetType: 'const char *virConnectGetType(virConnectPtr conn)',
  virConnectGetCapabilities: 'char *! virConnectGetCapabilities(virConnectPtr conn)',
  virConnectGetDomainCapabilities:
    'char *! virConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin, const char *arch, const char *machine, const char *virttype, unsigned int flags)',
  virConnectSetKeepAlive: 'int virConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count)',
  virConnectIsAlive: 'int virConnectIsAlive(virConnectPtr conn)',
  virConnectRegisterCloseCallback:
    'int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc *cb, void *opaque, void *freecb)',
  virNodeGetInfo: 'int virNodeGetInfo(virConnectPtr conn, _Out_ virNodeInfo *info)',
  virNodeGetFreeMemory: 'unsigned long long virNodeGetFreeMemory(virConnectPtr conn)',
  // params: an array of virNodeCPUStats { char field[80]; unsigned long long value; } (NODE_CPU_STAT_SIZE bytes each).
  virNodeGetCPUStats: 'int virNodeGetCPUStats(virConnectPtr conn, int cpuNum, _Inout_ uint8_t *params, _Inout_ int *nparams, unsigned int flags)',

  // domains
  virConnectListAllDomains: 'int virConnectListAllDomains(virConnectPtr conn, _Out_ void **domains, unsigned int flags)',
  virDomainLookupByName: 'virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name)',
  virDomainLookupByUUIDString: 'virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuid)',
  virDomainFree: 'int virDomainFree(virDomainPtr dom)',
  virDomainGetName: 'const char *virDomainGetName(virDomainPtr dom)',
  virDomainGetUUIDString: 'int virDomainGetUUIDString(virDomainPtr dom, _Out_ uint8_t *buf)',
  virDomainGetID: 'unsigned int virDomainGetID(virDomainPtr dom)',
  virDomainGetInfo: 'int virDomainGetInfo(virDomainPtr dom, _Out_ virDomainInfo *info)',
  virDomainGetState: 'int virDomainGetState(virDomainPtr dom, _Out_ int *state, _Out_ int *reason, unsigned int flags)',
  virDomainGetXMLDesc: 'char *! virDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)',
  virDomainDefineXMLFlags: 'virDomainPtr virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)',
  virDomainCreateXML: 'virDomainPtr virDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)',
  virDomainUndefineFlags: 'int virDomainUndefineFlags(virDomainPtr dom, unsigned int flags)',
  virDomainCreateWithFlags: 'int virDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)',
  virDomainShutdownFlags: 'int virDomainShutdownFlags(virDomainPtr dom, unsigned int flags)',
  virDomainReboot: 'int virDomainReboot(virDomainPtr dom, unsigned int flags)',
  virDomainDestroyFlags: 'int virDomainDestroyFlags(virDomainPtr dom, unsigned int flags)',
  virDomainSuspend: 'int virDomainSuspend(virDomainPtr dom)',
  virDomainResume: 'int virDomainResume(virDomainPtr dom)',
  virDomainManagedSave: 'int virDomainManagedSave(virDomainPtr dom, unsigned int flags)',
  virDomainHasManagedSaveImage: 'int virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)',
  virDomainManagedSaveRemove: 'int virDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags)',
  virDomainIsPersistent: 'int virDomainIsPersistent(virDomainPtr dom)',
  virDomainGetAutostart: 'int virDomainGetAutostart(virDomainPtr dom, _Out_ int *autostart)',
  virDomainSetAutostart: 'int virDomainSetAutostart(virDomainPtr dom, int autostart)',
  // editing (flags: VIR_DOMAIN_AFFECT_*; for vCPUs and memory also VIR_DOMAIN_VCPU/MEM_MAXIMUM = 4)
  virDomainAttachDeviceFlags: 'int virDomainAttachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)',
  virDomainDetachDeviceFlags: 'int virDomainDetachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)',
  virDomainUpdateDeviceFlags: 'int virDomainUpdateDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)',
  virDomainSetVcpusFlags: 'int virDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags)',
  virDomainSetMemoryFlags: 'int virDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags)',
  virDomainRename: 'int virDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags)',
  virDomainBlockResize: 'int virDomainBlockResize(virDomainPtr dom, const char *disk, unsigned long long size, unsigned int flags)',
  virConnectGetAllDomainStats:
    'int virConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats, _Out_ void **retStats, unsigned int flags)',
  virDomainStatsRecordListFree: 'void virDomainStatsRecordListFree(void *stats)',
  virConnectDomainEventRegisterAny:
    'int virConnectDomainEventRegisterAny(virConnectPtr conn, void *dom, int eventID, void *cb, void *opaque, void *freecb)',
  virConnectDomainEventDeregisterAny: 'int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)',
  virDomainScreenshot: 'char *! virDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen, unsigned int flags)',
  virDomainOpenConsole: 'int virDomainOpenConsole(virDomainPtr dom, const char *dev, virStreamPtr st, unsigned int flags)',
  virDomainOpenGraphicsFD: 'int virDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags)',
  virDomainSendKey:
    'int virDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime, uint32_t *keycodes, int nkeycodes, unsigned int flags)',

  // migration and jobs. params: a virTypedParameter array built by virTypedParamsAdd* (libvirt
  // copies the strings) and freed with virTypedParamsFree; virDomainGetJobStats allocates its own.
  virDomainMigrateToURI3:
    'int virDomainMigrateToURI3(virDomainPtr domain, const char *dconnuri, void *params, unsigned int nparams, unsigned int flags)',
  virDomainMigrate3: 'virDomainPtr virDomainMigrate3(virDomainPtr domain, virConnectPtr dconn, void *params, unsigned int nparams, unsigned int flags)',
  virDomainGetJobStats: 'int virDomainGetJobStats(virDomainPtr domain, _Out_ int *type, _Out_ void **params, _Out_ int *nparams, unsigned int flags)',
  virDomainAbortJob: 'int virDomainAbortJob(virDomainPtr domain)',
  virTypedParamsAddString: 'int virTypedParamsAddString(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, const char *value)',
  virTypedParamsAddULLong:
    'int virTypedParamsAddULLong(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, unsigned long long value)',
  virTypedParamsFree: 'void virTypedParamsFree(void *params, int nparams)',
  virConnectCompareHypervisorCPU:
    'int virConnectCompareHypervisorCPU(virConnectPtr conn, const char *emulator, const char *arch, const char *machine, const char *virttype, const char *xmlCPU, unsigned int flags)',

  // domain metadata (virDomainGetMetadata: the caller frees the string)
  virDomainSetMetadata:
    'int virDomainSetMetadata(virDomainPtr dom, int type, const char *metadata, const char *key, const char *uri, unsigned int flags)',
  virDomainGetMetadata: 'char *! virDomainGetMetadata(virDomainPtr dom, int type, const char *uri, unsigned int flags)',

  // domain snapshots (names are borrowed; the XML is the caller's to free; each handle is freed once)
  virDomainSnapshotCreateXML: 'virDomainSnapshotPtr virDomainSnapshotCreateXML(virDomainPtr dom, const char *xml, unsigned int flags)',
  virDomainListAllSnapshots: 'int virDomainListAllSnapshots(virDomainPtr dom, _Out_ void **snaps, unsigned int flags)',
  virDomainSnapshotLookupByName: 'virDomainSnapshotPtr virDomainSnapshotLookupByName(virDomainPtr dom, const char *name, unsigned int flags)',
  virDomainSnapshotGetName: 'const char *virDomainSnapshotGetName(virDomainSnapshotPtr snap)',
  virDomainSnapshotGetXMLDesc: 'char *! virDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainSnapshotGetParent: 'virDomainSnapshotPtr virDomainSnapshotGetParent(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainSnapshotIsCurrent: 'int virDomainSnapshotIsCurrent(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainSnapshotHasMetadata: 'int virDomainSnapshotHasMetadata(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainRevertToSnapshot: 'int virDomainRevertToSnapshot(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainSnapshotDelete: 'int virDomainSnapshotDelete(virDomainSnapshotPtr snap, unsigned int flags)',
  virDomainSnapshotFree: 'int virDomainSnapshotFree(virDomainSnapshotPtr snap)',

  // streams
  virStreamNew: 'virStreamPtr virStreamNew(virConnectPtr conn, unsigned int flags)',
  virStreamRecv: 'int virStreamRecv(virStreamPtr st, _Out_ uint8_t *data, size_t nbytes)',
  virStreamSend: 'int virStreamSend(virStreamPtr st, const uint8_t *data, size_t nbytes)',
  virStreamFinish: 'int virStreamFinish(virStreamPtr st)',
  virStreamAbort: 'int virStreamAbort(virStreamPtr st)',
  virStreamFree: 'int virStreamFree(virStreamPtr st)',
  virStreamEventAddCallback:
    'int virStreamEventAddCallback(virStreamPtr st, int events, void *cb, void *opaque, void *ff)',
  virStreamEventUpdateCallback: 'int virStreamEventUpdateCallback(virStreamPtr st, int events)',
  virStreamEventRemoveCallback: 'int virStreamEventRemoveCallback(virStreamPtr st)',

  // storage pools and volumes
  virConnectListAllStoragePools: 'int virConnectListAllStoragePools(virConnectPtr conn, _Out_ void **pools, unsigned int flags)',
  virStoragePoolLookupByName: 'virStoragePoolPtr virStoragePoolLookupByName(virConnectPtr conn, const char *name)',
  virStoragePoolFree: 'int virStoragePoolFree(virStoragePoolPtr pool)',
  virStoragePoolGetName: 'const char *virStoragePoolGetName(virStoragePoolPtr pool)',
  virStoragePoolGetUUIDString: 'int virStoragePoolGetUUIDString(virStoragePoolPtr pool, _Out_ uint8_t *buf)',
  virStoragePoolGetInfo: 'int virStoragePoolGetInfo(virStoragePoolPtr pool, _Out_ virStoragePoolInfo *info)',
  virStoragePoolGetXMLDesc: 'char *! virStoragePoolGetXMLDesc(virStoragePoolPtr pool, unsigned int flags)',
  virStoragePoolGetAutostart: 'int virStoragePoolGetAutostart(virStoragePoolPtr pool, _Out_ int *autostart)',
  virStoragePoolSetAutostart: 'int virStoragePoolSetAutostart(virStoragePoolPtr pool, int autostart)',
  virStoragePoolIsPersistent: 'int virStoragePoolIsPersistent(virStoragePoolPtr pool)',
  virStoragePoolDefineXML: 'virStoragePoolPtr virStoragePoolDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)',
  virStoragePoolBuild: 'int virStoragePoolBuild(virStoragePoolPtr pool, unsigned int flags)',
  virStoragePoolCreate: 'int virStoragePoolCreate(virStoragePoolPtr pool, unsigned int flags)',
  virStoragePoolDestroy: 'int virStoragePoolDestroy(virStoragePoolPtr pool)',
  virStoragePoolUndefine: 'int virStoragePoolUndefine(virStoragePoolPtr pool)',
  virStoragePoolRefresh: 'int virStoragePoolRefresh(virStoragePoolPtr pool, unsigned int flags)',
  virStoragePoolListAllVolumes: 'int virStoragePoolListAllVolumes(virStoragePoolPtr pool, _Out_ void **vols, unsigned int flags)',
  virStorageVolLookupByName: 'virStorageVolPtr virStorageVolLookupByName(virStoragePoolPtr pool, const char *name)',
  virStorageVolLookupByPath: 'virStorageVolPtr virStorageVolLookupByPath(virConnectPtr conn, const char *path)',
  virStorageVolFree: 'int virStorageVolFree(virStorageVolPtr vol)',
  virStorageVolGetName: 'const char *virStorageVolGetName(virStorageVolPtr vol)',
  virStorageVolGetKey: 'const char *virStorageVolGetKey(virStorageVolPtr vol)',
  virStorageVolGetPath: 'char *! virStorageVolGetPath(virStorageVolPtr vol)',
  virStorageVolGetInfo: 'int virStorageVolGetInfo(virStorageVolPtr vol, _Out_ virStorageVolInfo *info)',
  virStorageVolGetXMLDesc: 'char *! virStorageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags)',
  virStorageVolCreateXML: 'virStorageVolPtr virStorageVolCreateXML(virStoragePoolPtr pool, const char *xml, unsigned int flags)',
  virStorageVolCreateXMLFrom:
    'virStorageVolPtr virStorageVolCreateXMLFrom(virStoragePoolPtr pool, const char *xml, virStorageVolPtr clonevol, unsigned int flags)',
  virStorageVolDelete: 'int virStorageVolDelete(virStorageVolPtr vol, unsigned int flags)',
  virStorageVolUpload:
    'int virStorageVolUpload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset, unsigned long long length, unsigned int flags)',
  virStorageVolResize: 'int virStorageVolResize(virStorageVolPtr vol, unsigned long long capacity, unsigned int flags)',

  // networks
  virConnectListAllNetworks: 'int virConnectListAllNetworks(virConnectPtr conn, _Out_ void **nets, unsigned int flags)',
  virNetworkLookupByName: 'virNetworkPtr virNetworkLookupByName(virConnectPtr conn, const char *name)',
  virNetworkFree: 'int virNetworkFree(virNetworkPtr net)',
  virNetworkGetName: 'const char *virNetworkGetName(virNetworkPtr net)',
  virNetworkGetUUIDString: 'int virNetworkGetUUIDString(virNetworkPtr net, _Out_ uint8_t *buf)',
  virNetworkIsActive: 'int virNetworkIsActive(virNetworkPtr net)',
  virNetworkIsPersistent: 'int virNetworkIsPersistent(virNetworkPtr net)',
  virNetworkGetAutostart: 'int virNetworkGetAutostart(virNetworkPtr net, _Out_ int *autostart)',
  virNetworkSetAutostart: 'int virNetworkSetAutostart(virNetworkPtr net, int autostart)',
  virNetworkGetXMLDesc: 'char *! virNetworkGetXMLDesc(virNetworkPtr net, unsigned int flags)',
  virNetworkDefineXML: 'virNetworkPtr virNetworkDefineXML(virConnectPtr conn, const char *xml)',
  virNetworkDefineXMLFlags: 'virNetworkPtr virNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)',
  virNetworkCreate: 'int virNetworkCreate(virNetworkPtr net)',
  virNetworkDestroy: 'int virNetworkDestroy(virNetworkPtr net)',
  virNetworkUndefine: 'int virNetworkUndefine(virNetworkPtr net)',

  // host devices
  virConnectListAllNodeDevices: 'int virConnectListAllNodeDevices(virConnectPtr conn, _Out_ void **devices, unsigned int flags)',
  virNodeDeviceFree: 'int virNodeDeviceFree(virNodeDevicePtr dev)',
  virNodeDeviceGetName: 'const char *virNodeDeviceGetName(virNodeDevicePtr dev)',
  virNodeDeviceGetXMLDesc: 'char *! virNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)',
});

/** Address of a native no-op-ish function, used as libvirt's error printer (docs/koffi.md rule 2). */
export const nativeResetError: unknown = lib.symbol('virResetError');

/** libxml2 (inside libvirt) prints parse warnings to stderr unless given a handler too. */
export const xmlSetGenericErrorFunc = koffi.load('libxml2.so.2').func('void xmlSetGenericErrorFunc(void *ctx, void *handler)');

export { koffi };
