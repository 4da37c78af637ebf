import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fromRoot } from '../../cdk/lib/paths';
import { OpsConductorStack } from '../../cdk/lib/stack';

export type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: string | string[] };
export type GetAtt = { 'Fn::GetAtt': [string, string] };
export type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Principal?: unknown; Condition?: unknown; Sid?: string };

const appOutdirs: string[] = [];

/**
 * A CDK app for a test, bundling skipped. An app without an outdir makes a `cdk.out…` folder under
 * the system's temporary folder and leaves it there (10 MB each, every run); this one writes into a
 * temporary folder that `removeTestApps` deletes (in the test file's afterAll).
 */
export const testApp = (context: Record<string, unknown> = {}, prefix = 'opsc-cdk-'): App => {
  const outdir = mkdtempSync(path.join(tmpdir(), prefix));
  appOutdirs.push(outdir);
  return new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
};

export const removeTestApps = (): void => {
  for (const outdir of appOutdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
};

/**
 * The whole stack as `cdk synth` makes it, with cdk.json's context, bundling skipped and cdk-nag
 * enforced: Template.fromStack throws on any unacknowledged finding. `close` removes the output.
 */
export const synthOpsConductor = (prefix: string) => {
  const { context } = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = testApp(context, prefix);
  const outdir = app.outdir;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const template = Template.fromStack(new OpsConductorStack(app, 'OpsConductor'));
  return {
    outdir,
    template,
    resources: template.toJSON().Resources as Record<string, Resource>,
    close: () => {
      rmSync(outdir, { recursive: true, force: true });
    },
  };
};

/** Lookups in a synthesized template's resources (read through `resources()`, set in beforeAll). */
export const resourceQueries = (resources: () => Record<string, Resource>) => {
  const ofType = (type: string): [string, Resource][] => Object.entries(resources()).filter(([, r]) => r.Type === type);
  const props = (r: Resource): Record<string, unknown> => r.Properties ?? {};
  const only = (type: string): [string, Resource] => {
    const found = ofType(type);
    expect(found).toHaveLength(1);
    return found[0] as [string, Resource];
  };
  const getAtt = (id: string, attr = 'Arn'): GetAtt => ({ 'Fn::GetAtt': [id, attr] });
  /** The one function with this description (or one matching the pattern). */
  const functionNamed = (description: string | RegExp): [string, Resource] => {
    const found = ofType('AWS::Lambda::Function').filter(([, r]) => {
      const d = String(props(r).Description);
      return typeof description === 'string' ? d === description : description.test(d);
    });
    expect(found).toHaveLength(1);
    return found[0] as [string, Resource];
  };
  const roleOfFunction = (fn: Resource): string => (props(fn).Role as GetAtt)['Fn::GetAtt'][0];
  /** Every statement of the identity policies attached to a role. */
  const statementsOfRole = (roleId: string): Statement[] =>
    ofType('AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(props(r).Roles).includes(`"${roleId}"`))
      .flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
  const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
  const envOf = (fn: Resource): Record<string, unknown> => (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
  return { ofType, props, only, getAtt, functionNamed, roleOfFunction, statementsOfRole, actionsOf, envOf };
};
