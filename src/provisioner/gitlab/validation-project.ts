// The ValidationProject port on GitLab's REST API: pipelines (POST /projects/:id/pipeline, GET
// /projects/:id/pipelines/:pid and its /jobs), repository files and the Commits API. Requests are
// written out by path, so what goes on the wire is exactly GitLab's documented parameters.
import type { Pipeline, PipelineJob, ValidationProject } from '../../core/ports.ts';
import { gitlabClient, type GitlabClientConfig } from './client.ts';
import type { Attempt } from './errors.ts';

export interface ValidationProjectConfig extends GitlabClientConfig {
  projectId: number;
}

interface PipelineBody {
  id: number;
  status: string;
  web_url: string;
}
interface JobBody extends PipelineBody {
  name: string;
}

const toPipeline = (p: PipelineBody): Pipeline => ({ id: p.id, status: p.status, webUrl: p.web_url });

export function createValidationProject(config: ValidationProjectConfig): ValidationProject {
  const { api, call } = gitlabClient(config);
  const project = `projects/${config.projectId}`;
  const write = (action: string): Attempt => ({ action, scope: 'api' });
  const read = (action: string): Attempt => ({ action, scope: 'read_api' });

  return {
    async trigger(ref, variables) {
      const body = { ref, variables: Object.entries(variables).map(([key, value]) => ({ key, value })) };
      const reply = await call(write(`start a pipeline in project ${config.projectId}`), () =>
        api.requester.post(`${project}/pipeline`, { body }),
      );
      return toPipeline(reply.body as unknown as PipelineBody);
    },

    pipeline: (id) =>
      call(
        read(`read pipeline ${id}`),
        async () => toPipeline((await api.requester.get(`${project}/pipelines/${id}`)).body as unknown as PipelineBody),
        () => null,
      ),

    async jobs(pipelineId): Promise<PipelineJob[]> {
      const reply = await call(read(`list the jobs of pipeline ${pipelineId}`), () =>
        api.requester.get(`${project}/pipelines/${pipelineId}/jobs`, { searchParams: { per_page: 100 } }),
      );
      return (reply.body as unknown as JobBody[]).map((j) => ({
        id: j.id,
        name: j.name,
        status: j.status,
        webUrl: j.web_url,
      }));
    },

    readFile: (path, ref) =>
      call(
        read(`read ${path} in project ${config.projectId}`),
        async () => {
          const reply = await api.requester.get(`${project}/repository/files/${encodeURIComponent(path)}`, {
            searchParams: { ref },
          });
          return Buffer.from((reply.body as { content: string }).content, 'base64').toString('utf8');
        },
        () => null,
      ),

    async commit(branch, message, actions) {
      const body = {
        branch,
        commit_message: message,
        actions: actions.map((a) => ({ action: a.action, file_path: a.filePath, content: a.content })),
      };
      await call(write(`commit to project ${config.projectId}`), () =>
        api.requester.post(`${project}/repository/commits`, { body }),
      );
    },
  };
}
