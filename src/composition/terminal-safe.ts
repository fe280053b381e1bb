// Text from outside (a --reason, a label, an error from Proxmox) printed on an admin's terminal:
// escape sequences (erase line, cursor moves, OSC 8 hyperlinks, title changes) and other control
// characters are shown as `?` instead of being obeyed; so are bidirectional overrides, which
// reorder what the eye reads. Newlines and tabs stay: runnerbot prints lines of its own.

// ESC [ … final byte (CSI), ESC ] … BEL or ESC \ (OSC), or ESC and one more character.
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|.?)|\u009b[0-?]*[ -/]*[@-~]?/gs;
// C0 and C1 controls but \t and \n; bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export const terminalSafe = (text: string): string => text.replace(ESCAPE_SEQUENCE, '?').replace(UNSAFE, '?');

/** One value on one line: line breaks shown as spaces (an audit entry is one line). */
export const oneLine = (text: string): string => terminalSafe(text).replace(/[\r\n\t]+/g, ' ');
