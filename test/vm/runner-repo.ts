// gitlab-runner cannot be had here, so a stand-in .deb of it is served from a local apt
// repository signed with a throw-away key, laid out like packages.gitlab.com's (…/gpgkey next to
// …/debian/): the runner phase downloads the key, writes the source and installs for real.
// The stand-in: `gitlab-runner verify` asks GitLab about config.toml's token as the real one does,
// and its unit serves :9252/metrics with perl-base (essential on Debian). It depends on nothing
// that triggers `update-initramfs` (busybox did: minutes of a TCG guest's CPU per install).
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HOST_FROM_GUEST } from '../../sim/qemu/host.ts';
import { serveDir, type Served } from './serve-dir.ts';

const run = promisify(execFile);
export const STANDIN_VERSION = '17.0.0-standin1';

const VERIFY = `#!/bin/sh
# gitlab-runner stand-in (runnerbot test:vm). GitLab listens on the host's loopback, which the VM
# reaches as ${HOST_FROM_GUEST} (QEMU's gateway).
config=/etc/gitlab-runner/config.toml
value() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\\"\\(.*\\)\\"[[:space:]]*\\$/\\1/p" "$config" | head -n 1; }
case \${1:-} in
  --version) echo 'Version:      ${STANDIN_VERSION}' ;;
  verify)
    [ -r "$config" ] || { echo "ERROR: Failed to load config $config" >&2; exit 1; }
    url=$(value url); name=$(value name); tokenfile=$(mktemp); value token | tr -d '\\n' >"$tokenfile"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 --connect-to 127.0.0.1::${HOST_FROM_GUEST}: \\
      --data-urlencode "token@$tokenfile" "\${url%/}/api/v4/runners/verify")
    rm -f "$tokenfile"
    [ "$code" = 200 ] && echo "Verifying runner... is valid                        runner=$name" && exit 0
    echo "ERROR: Verifying runner... failed runner=$name status=$code" >&2; exit 1 ;;
  run) exec perl -MIO::Socket::INET -e '
    my $server = IO::Socket::INET->new(LocalPort => 9252, Listen => 8, ReuseAddr => 1) or die "listen: $!";
    my $body = "# HELP gitlab_runner_version_info stand-in\\ngitlab_runner_version_info 1\\n";
    while (my $client = $server->accept) {
      while (my $line = <$client>) { last if $line =~ /^\\r?$/ }
      print $client "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: " . length($body) . "\\r\\n\\r\\n$body";
      close $client;
    }' ;;
  *) echo "gitlab-runner stand-in: \${1:-} is not supported" >&2; exit 1 ;;
esac
`;

const UNIT = `[Unit]
Description=GitLab Runner (runnerbot test stand-in)
After=network.target

[Service]
ExecStart=/usr/bin/gitlab-runner run
Restart=always

[Install]
WantedBy=multi-user.target
`;

const CONTROL = `Package: gitlab-runner
Version: ${STANDIN_VERSION}
Architecture: amd64
Maintainer: runnerbot tests <tests@runnerbot.invalid>
Depends: curl, perl-base
Description: GitLab Runner stand-in for runnerbot's QEMU tests
`;

async function buildDeb(dir: string): Promise<string> {
  const pkg = join(dir, 'pkg');
  await mkdir(join(pkg, 'DEBIAN'), { recursive: true });
  await mkdir(join(pkg, 'usr/bin'), { recursive: true });
  await mkdir(join(pkg, 'lib/systemd/system'), { recursive: true });
  await writeFile(join(pkg, 'DEBIAN/control'), CONTROL);
  await writeFile(
    join(pkg, 'DEBIAN/postinst'),
    '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then systemctl daemon-reload || true; fi\n',
  );
  await chmod(join(pkg, 'DEBIAN/postinst'), 0o755);
  await writeFile(join(pkg, 'usr/bin/gitlab-runner'), VERIFY, { mode: 0o755 });
  await writeFile(join(pkg, 'lib/systemd/system/gitlab-runner.service'), UNIT);
  const deb = join(dir, `gitlab-runner_${STANDIN_VERSION}_amd64.deb`);
  await run('dpkg-deb', ['--root-owner-group', '--build', pkg, deb]);
  return deb;
}

const sha256 = async (file: string) => (await run('sha256sum', [file])).stdout.split(' ')[0]!;
const size = async (file: string) => (await readFile(file)).length;

export interface RunnerRepo {
  /** The repository URL as the VM reaches it (runnerbot's runnerAptRepo). */
  url: string;
  served: Served;
}

export async function startRunnerRepo(): Promise<RunnerRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-runner-repo-'));
  const root = join(dir, 'www');
  const gnupg = join(dir, 'gnupg');
  await mkdir(gnupg, { mode: 0o700 });
  const gpg = (...args: string[]) =>
    run('gpg', ['--homedir', gnupg, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  await gpg('--quick-gen-key', 'runnerbot test repo <repo@runnerbot.invalid>', 'ed25519', 'sign', '1d');
  await mkdir(join(root, 'debian/pool'), { recursive: true });
  await writeFile(join(root, 'gpgkey'), (await gpg('--armor', '--export')).stdout);

  const deb = await buildDeb(dir);
  const poolPath = `pool/gitlab-runner_${STANDIN_VERSION}_amd64.deb`;
  await run('cp', [deb, join(root, 'debian', poolPath)]);
  const fields = (await run('dpkg-deb', ['-f', deb])).stdout.trim();
  const packages = `${fields}\nFilename: ${poolPath}\nSize: ${await size(deb)}\nSHA256: ${await sha256(deb)}\n\n`;
  const binDir = join(root, 'debian/dists/bookworm/main/binary-amd64');
  await mkdir(binDir, { recursive: true });
  await writeFile(join(binDir, 'Packages'), packages);
  const rel = 'main/binary-amd64/Packages';
  const release =
    `Origin: runnerbot-test\nLabel: gitlab-runner\nSuite: bookworm\nCodename: bookworm\nArchitectures: amd64\nComponents: main\n` +
    `Date: ${new Date().toUTCString()}\nSHA256:\n ${await sha256(join(binDir, 'Packages'))} ${packages.length} ${rel}\n`;
  const dists = join(root, 'debian/dists/bookworm');
  await writeFile(join(dists, 'Release'), release);
  await gpg('--clearsign', '--output', join(dists, 'InRelease'), join(dists, 'Release'));
  const served = await serveDir(root);
  return { url: `http://${HOST_FROM_GUEST}:${served.port}/debian/`, served };
}
