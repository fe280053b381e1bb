// The checked-in fixture is what scripts/specs/gen-gitlab.ts makes from ../shared/specs, and it
// encodes GitLab's real parameter rules where the generated OpenAPI gets them wrong.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFixture } from '../../scripts/specs/gen-gitlab.ts';
import fixture from './openapi-runners.json' with { type: 'json' };

const source = path.resolve(
  import.meta.dirname,
  '../../../../shared/specs/gitlab/gitlab-openapi-v2-runners-subset.yaml',
);

describe('GitLab fixture', () => {
  it('requires runner_type always, group_id only for group_type and project_id only for project_type', () => {
    expect(fixture.definitions.postApiV4UserRunners.required).toEqual(['runner_type']);
    expect(fixture.definitions.postApiV4UserRunners['x-required-when']).toEqual({
      group_id: { runner_type: 'group_type' },
      project_id: { runner_type: 'project_type' },
    });
    expect(Object.keys(fixture.paths).sort()).toEqual([
      '/api/v4/runners',
      '/api/v4/runners/all',
      '/api/v4/runners/verify',
      '/api/v4/runners/{id}',
      '/api/v4/runners/{id}/jobs',
      '/api/v4/runners/{id}/reset_authentication_token',
      '/api/v4/user/runners',
    ]);
  });

  it('is up to date with ../shared/specs when that checkout is present', () => {
    // A fresh clone has no ../shared: the checked-in fixture is then the reference.
    if (!existsSync(source)) return;
    expect(buildFixture(readFileSync(source, 'utf8'))).toEqual(fixture);
  });
});
