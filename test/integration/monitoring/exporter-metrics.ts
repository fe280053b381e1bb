// What a runner's exporters expose, trimmed to the series monitoring/ reads: names and labels as
// node_exporter 1.x, cAdvisor 0.49 and gitlab-runner 17 publish them. The fake exporters serve
// exactly this, and the dashboard check accepts no other exporter metric.
import type { RunnerExporterJob } from '../../../src/core/sd-targets.ts';

const node = `# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1000.5
node_cpu_seconds_total{cpu="0",mode="user"} 200.25
node_cpu_seconds_total{cpu="0",mode="system"} 50.5
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 2.147483648e+09
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 4.294967296e+09
# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1.6e+10
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 4e+08
# TYPE node_filesystem_size_bytes gauge
node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 3.2e+10
node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 4e+08
`;

const cadvisor = `# TYPE container_last_seen gauge
container_last_seen{id="/docker/4f1c",image="gitlab/gitlab-runner-helper:x86_64-v17.0.0",name="runner-abc-project-1-concurrent-0"} 1.7e+09
container_last_seen{id="/",image="",name=""} 1.7e+09
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{cpu="total",id="/docker/4f1c",image="gitlab/gitlab-runner-helper:x86_64-v17.0.0",name="runner-abc-project-1-concurrent-0"} 12.5
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{id="/docker/4f1c",image="gitlab/gitlab-runner-helper:x86_64-v17.0.0",name="runner-abc-project-1-concurrent-0"} 1.048576e+08
`;

const gitlabRunner = `# TYPE gitlab_runner_concurrent gauge
gitlab_runner_concurrent 2
# TYPE gitlab_runner_jobs gauge
gitlab_runner_jobs{executor_stage="idle",runner="t1ab2c3d",stage="idle",state="idle",system_id="s_0123456789ab"} 0
gitlab_runner_jobs{executor_stage="docker_run",runner="t1ab2c3d",stage="step_script",state="running",system_id="s_0123456789ab"} 1
# TYPE gitlab_runner_jobs_total counter
gitlab_runner_jobs_total{runner="t1ab2c3d",system_id="s_0123456789ab"} 42
# TYPE gitlab_runner_failed_jobs_total counter
gitlab_runner_failed_jobs_total{failure_reason="script_failure",runner="t1ab2c3d",system_id="s_0123456789ab"} 3
gitlab_runner_failed_jobs_total{failure_reason="runner_system_failure",runner="t1ab2c3d",system_id="s_0123456789ab"} 0
`;

export const EXPORTER_EXPOSITION: Record<RunnerExporterJob, string> = { node, cadvisor, 'gitlab-runner': gitlabRunner };

/** The gitlab-runner `runner` label value above (a token prefix), which Prometheus renames. */
export const GITLAB_RUNNER_TOKEN_PREFIX = 't1ab2c3d';

export function exporterMetricNames(): Set<string> {
  const lines = Object.values(EXPORTER_EXPOSITION).flatMap((text) => text.split('\n'));
  return new Set(lines.filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]!));
}
