import { ExecutorContext, logger, PromiseExecutor } from '../../utils/devkit';
import { checksumKey, describeError, expandEnvTemplate, HermeticError, LOCKFILE_NAME, readLockfile, wireUrl } from '@hermetic/core';
import {
  craftManifest,
  isRejected,
  rejectionReasons,
  rejectionsText,
  runUnderSession,
  SessionReport,
  sessionEnv,
  writeCombinedBundle,
} from '@hermetic/fetch-service/client';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pluginOptionsFromNxJson } from '../../utils/fetch-options';
import { interpolatePath } from '../../utils/interpolate-path';
import { debianArch, fileHashes, findArtifacts } from './artifacts';
import { externalSession, resolveService } from './fetch-service-config';
import { runCommand } from './run-command';
import { PackExecutorSchema } from './schema';

type Policy = 'strict' | 'permissive';

function policyOf(options: PackExecutorSchema, context: ExecutorContext): Policy | undefined {
  const raw =
    options.enableFetchService ??
    (options as unknown as Record<string, unknown>)['enable-fetch-service'] ??
    pluginOptionsFromNxJson(context.nxJsonConfiguration).enableFetchService;
  if (raw === undefined || raw === '' || raw === false) return undefined;
  if (raw !== 'strict' && raw !== 'permissive') {
    throw new HermeticError('InvalidInput', `--enable-fetch-service: invalid choice '${String(raw)}' (choose from 'strict', 'permissive')`);
  }
  return raw;
}

function packageJson(root: string): { version?: string; description?: string } {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * What the session declares: the project's lockfile artifacts (URL + checksums), when it has one,
 * and the values of their credentials that the environment holds now, for the service to redact.
 */
async function declaredArtifacts(lockfilePath: string, display: string): Promise<{ declared: Array<{ url: string; checksums: string[] }>; secrets: string[] }> {
  if (!existsSync(lockfilePath)) return { declared: [], secrets: [] };
  const lockfile = await readLockfile(lockfilePath, { env: false, displayPath: display });
  const declared = lockfile.artifacts.map((a) => ({ url: wireUrl(a.url), checksums: a.checksums.map(checksumKey) }));
  const templates = lockfile.artifacts.flatMap((a) => (!a.auth ? [] : a.auth.scheme === 'basic' ? [a.auth.username, a.auth.password] : [a.auth.value]));
  const secrets = templates.flatMap((t) => {
    try {
      return [expandEnvTemplate(t, process.env)];
    } catch {
      return []; // Not set here: the build cannot send it either.
    }
  });
  return { declared, secrets };
}

/** `<artifact>.json` beside each packed artifact: craft's manifest shape plus verdicts, reasons and purls. */
function writeManifests(files: string[], report: SessionReport, context: ExecutorContext, projectRoot: string, version: string | undefined): string[] {
  const pkg = packageJson(join(context.root, projectRoot));
  return files.map((file) => {
    const manifest = craftManifest(
      {
        'component-name': context.projectName!,
        'component-version': version ?? pkg.version ?? '0.0.0',
        'component-description': pkg.description ?? '',
        'component-id': { hashes: fileHashes(file) },
        architecture: debianArch(),
        'metadata-generator': 'Hermetic',
        'creation-timestamp': new Date().toISOString().replace('Z', '+00:00'),
      },
      report,
      true,
    );
    writeFileSync(`${file}.json`, JSON.stringify(manifest, null, 2));
    return `${file}.json`;
  });
}

/** Rejections, each with what would fix it. */
function rejectionList(report: SessionReport, lockfile: string, project: string): string {
  const text = rejectionsText(report, '');
  if (!text) return '';
  const fixes = report.artifacts.filter(isRejected).map((a) => {
    const url = (a.downloads ?? [])[0]?.url ?? '';
    let origin = url;
    try {
      const u = new URL(url);
      origin = `${u.protocol}//${u.host}${u.pathname.replace(/[^/]*$/, '')}**`;
    } catch {
      // Keep the URL as it is.
    }
    const mismatch = rejectionReasons(a).some((r) => /mismatch/.test(r));
    return mismatch
      ? `  ${url}: the bytes do not match the checksum in ${lockfile}; fix the entry (nx g @hermetic/nx:update-checksums ${project})`
      : `  ${url}: declare it in ${lockfile} (nx g @hermetic/nx:add-artifact --project ${project} --url ${url.replace(/:443\//, '/')}) or allow it ("${origin}")`;
  });
  return `${text}\nTo fix:\n${fixes.join('\n')}`;
}

/**
 * `@hermetic/nx:pack`: runs the project's packing command; with `--enable-fetch-service=<policy>`
 * inside a Fetch Service session that is closed whatever happens, its report written as
 * `<artifact>.json` beside each artifact; with `CRAFT_USE_EXTERNAL_FETCH_SERVICE=1` through an
 * external session. Strict sessions fail the task when anything was rejected.
 */
const runExecutor: PromiseExecutor<PackExecutorSchema> = async (options, context) => {
  const projectRoot = context.projectsConfigurations.projects[context.projectName!]?.root ?? '.';
  const cwd = resolve(context.root, options.cwd ?? '.');
  try {
    const policy = policyOf(options, context);
    const external = process.env.CRAFT_USE_EXTERNAL_FETCH_SERVICE === '1';
    if (external && policy)
      throw new HermeticError('InvalidInput', 'Conflicting request for both external and managed fetch-service use.', {
        hints: ['unset CRAFT_USE_EXTERNAL_FETCH_SERVICE, or drop --enable-fetch-service'],
      });

    if (external) {
      const { proxyUrl, caPath } = externalSession(process.env);
      logger.info(
        `Using the external fetch-service session of http_proxy (CRAFT_USE_EXTERNAL_FETCH_SERVICE=1): no session is opened or closed here, and no report is written.`,
      );
      const tmp = mkdtempSync(join(tmpdir(), 'hermetic-external-'));
      try {
        const env = sessionEnv(
          process.env.https_proxy ?? proxyUrl,
          caPath,
          writeCombinedBundle(tmp, readFileSync(caPath, 'utf8')),
          options.noProxy ?? 'localhost',
        );
        env.http_proxy = proxyUrl;
        env.HTTP_PROXY = proxyUrl;
        const code = await runCommand(options.command, cwd, env);
        return { success: code === 0 };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }

    if (!policy) return { success: (await runCommand(options.command, cwd, {})) === 0 };

    const lockfileRel = interpolatePath(options.lockfile ?? `{projectRoot}/${LOCKFILE_NAME}`, { projectRoot, projectName: context.projectName });
    const lockfilePath = resolve(context.root, lockfileRel);
    const { declared, secrets } = await declaredArtifacts(lockfilePath, relative(context.root, lockfilePath));
    const service = await resolveService(options, process.env);
    const allow = [...(options.allow ?? []), ...(pluginOptionsFromNxJson(context.nxJsonConfiguration).fetchServiceAllow ?? [])];
    // From here until the session is torn down, Ctrl-C must not end this process: it is noted (and
    // forwarded to the command while one runs), and the session is closed before returning.
    const interrupts: NodeJS.Signals[] = [];
    const onSignal = (signal: NodeJS.Signals) => {
      if (!interrupts.length) logger.warn(`${signal}: stopping the pack and closing the fetch-service session`);
      interrupts.push(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await runUnderSession(
        {
          client: service.client,
          proxyAddress: service.proxyAddress,
          caPath: service.caPath,
          policy,
          declared,
          redactValues: secrets,
          allow,
          noProxy: options.noProxy ?? 'localhost',
          log: (l) => logger.info(l),
        },
        async (env) => (interrupts.length ? 130 : runCommand(options.command, cwd, env)),
      );
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (interrupts.length) {
      logger.error('pack interrupted; the fetch-service session was closed');
      return { success: false };
    }
    for (const e of outcome.teardownErrors) logger.error(`fetch service teardown: ${e}`);
    const report = outcome.report;
    const patterns = options.artifacts ?? [];
    if (report) {
      for (const w of report.warnings) logger.warn(w);
      // The raw report is kept whatever happened, next to where the artifacts go.
      if (patterns.length) {
        const dir = resolve(context.root, dirname(patterns[0]));
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${context.projectName}.session-report.json`), JSON.stringify(report, null, 2));
      }
    }
    if (outcome.error) throw outcome.error;
    const exit = outcome.result ?? 1;
    const rejected = report ? rejectionList(report, relative(context.root, lockfilePath), context.projectName!) : '';
    if (rejected && policy === 'strict') {
      // What was packed used refused downloads: it must not look like a good build.
      for (const file of findArtifacts(context.root, patterns)) {
        renameSync(file, `${file}.rejected`);
        rmSync(`${file}.json`, { force: true });
        if (report) writeManifests([`${file}.rejected`], report, context, projectRoot, options.version);
        logger.error(`moved ${relative(context.root, file)} to ${relative(context.root, file)}.rejected (its manifest: .rejected.json)`);
      }
      logger.error(`${rejected}\nThe strict fetch-service session rejected downloads: pack fails.`);
      return { success: false };
    }
    if (report && exit === 0) {
      for (const m of writeManifests(findArtifacts(context.root, patterns), report, context, projectRoot, options.version))
        logger.info(`wrote ${relative(context.root, m)}`);
    }
    if (rejected) logger.warn(`${rejected}\nThis build will fail on 'strict' fetch-service sessions.`);
    if (!report) logger.warn('no session report could be read (see the teardown errors above)');
    return { success: exit === 0 && outcome.teardownErrors.length === 0 };
  } catch (err) {
    logger.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
