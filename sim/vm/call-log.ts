// The stand-ins' call log: one line per call, argv separated by tabs, with % TAB CR LF
// percent-encoded (see standins/lib.sh).
export interface StandinCall {
  /** The stand-in that was called: apt-get, systemctl, docker, ufw, sudo, reboot, … */
  cmd: string;
  args: string[];
}

const decode = (field: string): string =>
  field.replace(/%(25|09|0A|0D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export function parseCallLog(text: string): StandinCall[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [cmd = '', ...args] = line.split('\t').map(decode);
      return { cmd, args };
    });
}
