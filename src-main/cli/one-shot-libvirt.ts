// libvirt for one-shot.ts's in-process path, as one module: the built CLI keeps it in a file of
// its own (out/cli/one-shot-libvirt.js, scripts/build-cli.mjs), so a command the CLI agent
// answers does not even parse it.
export { HostService } from '../libvirt/host-service';
export { stopEventLoop } from '../libvirt/event-loop';
