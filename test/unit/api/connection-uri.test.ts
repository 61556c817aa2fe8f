// The URI policy as a table: what is accepted (and its canonical spelling), what is refused and why.
import { describe, expect, it } from 'vitest';
import { checkConnectionUri, isInsideFolder, testDriverFile, testDriverFileRefusal } from '../../../src-main/contract/connection-uri';
import { parseInput } from '../../../src-main/contract';

const ctx = { runtimeDir: '/run/user/1000' };

describe('connection URI policy', () => {
  const accepted: [string, string][] = [
    ['qemu:///system', 'qemu:///system'],
    ['QEMU:///system/', 'qemu:///system'],
    ['qemu:///system?', 'qemu:///system'],
    ['qemu:///%73ystem', 'qemu:///system'],
    ['qemu:////system//', 'qemu:///system'],
    ['qemu:///./system', 'qemu:///system'],
    ['  qemu:///session ', 'qemu:///session'],
    ['test:///default', 'test:///default'],
    ['Test:///default/', 'test:///default'],
    ['test:///home/u/vms/lab.xml', 'test:///home/u/vms/lab.xml'],
    ['lxc:///', 'lxc:///'],
    ['xen:///system', 'xen:///system'],
    ['ch:///session', 'ch:///session'],
    ['vbox:///session', 'vbox:///session'],
    ['qemu+ssh://root@Host.Example/system', 'qemu+ssh://root@host.example/system'],
    ['qemu+ssh://user@host:0022/system', 'qemu+ssh://user@host:22/system'],
    ['QEMU+SSH://user@host/system?NO_TTY=1&mode=direct&', 'qemu+ssh://user@host/system?mode=direct&no_tty=1'],
    ['qemu+libssh2://u@h/system?known_hosts_verify=auto&sshauth=agent,privkey', 'qemu+libssh2://u@h/system?known_hosts_verify=auto&sshauth=agent%2Cprivkey'],
    ['qemu+ssh://u@h/system?proxy=native&NAME=qemu%3A%2F%2F%2Fsystem', 'qemu+ssh://u@h/system?name=qemu%3A%2F%2F%2Fsystem&proxy=native'],
    ['qemu+tls://host.example/system?no_verify=1', 'qemu+tls://host.example/system?no_verify=1'],
    ['qemu+tcp://[::1]:16509/system', 'qemu+tcp://[::1]:16509/system'],
    ['qemu+unix:///system?socket=/run/libvirt/virtqemud-sock', 'qemu+unix:///system?socket=%2Frun%2Flibvirt%2Fvirtqemud-sock'],
    ['qemu+unix:///system?socket=/var/run/libvirt/libvirt-sock', 'qemu+unix:///system?socket=%2Fvar%2Frun%2Flibvirt%2Flibvirt-sock'],
    ['qemu+unix:///session?socket=/run/user/1000/libvirt/virtqemud-sock', 'qemu+unix:///session?socket=%2Frun%2Fuser%2F1000%2Flibvirt%2Fvirtqemud-sock'],
    ['esx://vsphere.example/?no_verify=1&transport=https', 'esx://vsphere.example/?no_verify=1&transport=https'],
    ['hyperv://win.example/?transport=http', 'hyperv://win.example/?transport=http'],
    ['esx://DOMAIN%5Cadmin@esx1/', 'esx://DOMAIN%5Cadmin@esx1/'],
  ];
  it.each(accepted)('accepts %s as %s', (input, canonical) => {
    const r = checkConnectionUri(input, ctx);
    expect(r.ok ? r.uri : r.reason).toBe(canonical);
  });

  const refused: [string, RegExp][] = [
    ['test+ext:///default?command=/tmp/prog', /'ext' transport runs a program/],
    ['qemu+ext:///system', /'ext' transport/],
    ['qemu+ssh://h/system?command=/bin/sh', /'command' runs a program/],
    ['qemu+ssh://h/system?%63ommand=/bin/sh', /'command' runs a program/],
    ['qemu+ssh://h/system?COMMAND=x', /'command' runs a program/],
    ['qemu+ssh://h/system?netcat=/tmp/nc', /'netcat' names a program/],
    ['qemu+ssh://h/system?keyfile=/home/u/.ssh/id', /'keyfile' names a file .* own field in the add-host dialog/],
    ['qemu+libssh2://h/system?known_hosts=/etc/shadow', /'known_hosts' names a file/],
    ['qemu+tls://h/system?pkipath=/etc', /'pkipath' names a file/],
    ['qemu+unix:///system?socket=/nonexistent/sock', /socket inside libvirt's run folders/],
    ['qemu+unix:///system?socket=/run/libvirt/../../tmp/x', /'\.\.'/],
    ['qemu+unix:///system?socket=/run/libvirt', /run folders/],
    ['qemu:///embed?root=/tmp/x', /parameter 'root' is not allowed/],
    ['qemu+ssh://h/system?mode=x', /'mode' must be one of/],
    ['qemu+ssh://h/system?mode=direct&mode=legacy', /given twice/],
    ['qemu+ssh://h/system?mode=direct;command=x', /literal ';'/],
    ['qemu+ssh://h/system?name=test%2Bext%3A%2F%2F%2Fdefault', /'ext' transport/],
    ['qemu+ssh://h/system?name=test%3A%2F%2F%2Fetc%2Fshadow', /may not name a test driver file/],
    ['remote:///system', /unknown libvirt driver 'remote'/],
    ['network:///system', /unknown libvirt driver/],
    ['qemu+http://h/system', /unknown transport 'http'/],
    ['qemu+ssh+tls://h/system', /not driver\+transport/],
    ['qemu+ssh://-oProxyCommand=x/system', /not a host name/],
    ['qemu+ssh://-oProxyCommand=x@h/system', /may not start with -/],
    ['qemu+ssh://user:secret@h/system', /no password/],
    ['qemu+ssh://h:99999/system', /port 99999/],
    ['qemu+unix://h/system', /'unix' transport reaches this computer only/],
    ['qemu:///system#x', /fragment/],
    ['qemu:///sys tem', /spaces/],
    ['qemu:///%00', /control characters/],
    ['qemu:///%zz', /percent-encoding/],
    ['test:///etc/../etc/shadow', /'\.\.'/],
    ['test+ssh://h/default', /test driver is for this computer only/],
    ['test:///', /needs \/default or a file path/],
    ['test:///default?mode=direct', /takes no parameters/],
    ['nonsense', /not a libvirt URI/],
    ['', /empty/],
  ];
  it.each(refused)('refuses %s', (input, reason) => {
    const r = checkConnectionUri(input, ctx);
    expect(r.ok ? `accepted as ${r.uri}` : r.reason).toMatch(reason);
  });

  it('refuses a socket under $XDG_RUNTIME_DIR/libvirt when there is no runtime dir', () => {
    const r = checkConnectionUri('qemu+unix:///session?socket=/run/user/1000/libvirt/virtqemud-sock', { runtimeDir: null });
    expect(r.ok).toBe(false);
  });

  it('lets test:/// read files only inside the chosen folders', () => {
    expect(testDriverFile('test:///default')).toBeNull();
    expect(testDriverFile('test:///srv/lab/n%61me.xml')).toBe('/srv/lab/name.xml');
    expect(testDriverFileRefusal('/srv/lab/node.xml', ['/srv/lab'])).toBeNull();
    expect(testDriverFileRefusal('/srv/lab/deep/node.xml', ['/srv/lab/'])).toBeNull();
    expect(testDriverFileRefusal('/srv/labx/node.xml', ['/srv/lab'])).toMatch(/only files inside the folders you chose/);
    expect(testDriverFileRefusal('/etc/shadow', [])).toMatch(/none chosen yet/);
    expect(isInsideFolder('/srv/lab', '/srv/lab')).toBe(true);
    expect(isInsideFolder('/srv/laboratory', '/srv/lab')).toBe(false);
  });

  it('is what the API contract checks: refusals are INVALID_INPUT naming the URI, accepted URIs arrive canonical', () => {
    expect(parseInput('vm.list', { connection: 'QEMU:///system/' })).toEqual({ connection: 'qemu:///system' });
    expect(() => parseInput('connections.add', { uri: 'test+ext:///default?command=/tmp/x' })).toThrow(
      /uri: connection URI 'test\+ext:\/\/\/default\?command=\/tmp\/x' is refused: the 'ext' transport/,
    );
    expect(() => parseInput('vm.list', { connection: 'qemu+ssh://h/system?keyfile=/k' })).toThrow(/connection: .*add-host dialog/);
    expect(() => parseInput('settings.update', { connections: [{ uri: 'qemu:///system' }, { uri: 'QEMU:///system/' }] })).toThrow(/listed twice/);
    expect(() => parseInput('settings.update', { defaultConnection: 'lxc+ext:///' })).toThrow(/defaultConnection: .*'ext'/);
  });
});
