# Shared by the recording stand-ins of the fake runner VM: every call is appended to one log
# (tab-separated argv, with % tab CR LF percent-encoded), and state lives under /var/lib/sim.
# shellcheck disable=SC2034 # used by the stand-ins that source this file
SIM_STATE=/var/lib/sim
SIM_LOG=/var/log/sim/calls.log

sim_log() {
  awk 'BEGIN {
    line = ""
    for (i = 1; i < ARGC; i++) {
      s = ARGV[i]
      gsub(/%/, "%25", s); gsub(/\t/, "%09", s); gsub(/\n/, "%0A", s); gsub(/\r/, "%0D", s)
      line = line (i > 1 ? "\t" : "") s
    }
    print line
  }' "$@" >>"$SIM_LOG"
}

# A name that is safe as a state file name (packages, units, containers).
sim_safe_name() {
  case $1 in
    '' | .* | *[!A-Za-z0-9_.+@-]*) return 1 ;;
  esac
}
