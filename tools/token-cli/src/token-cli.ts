import { Command, CommanderError, Option } from 'commander';
import { brinPattern, gemeenteCodePattern, InvalidTokenRequestError, parseLifetime, type Role, roles, type TokenRequest, TokenService } from '@npo/platform/auth';
import { ConfigError, type Env, loadConfig } from '@npo/platform/config';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A bad combination of arguments: reported on stderr with exit status 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

interface Options {
  role: Role;
  brin?: string;
  gemeente?: string;
  sub?: string;
  expires: string;
  dataDir?: string;
}

/** Turns the parsed options into a token request, or says which combination is wrong. */
export function tokenRequestFrom(options: Options): TokenRequest {
  const { role } = options;
  // Codes are upper case everywhere in the platform; accept `16sw` from a hurried typist.
  const brin = options.brin?.trim().toUpperCase();
  const gemeente = options.gemeente?.trim().toUpperCase();
  const problems: string[] = [];

  if (role === 'school') {
    if (brin === undefined) problems.push('--role school needs --brin (e.g. --brin 16SW)');
    else if (!brinPattern.test(brin)) problems.push(`--brin ${JSON.stringify(options.brin)} is not a BRIN: 2 digits and 2 letters, optionally 2 more digits (16SW, 16SW03)`);
  } else if (brin !== undefined) {
    problems.push(`--brin only goes with --role school, not --role ${role}`);
  }
  if (role === 'gemeente') {
    if (gemeente === undefined) problems.push('--role gemeente needs --gemeente (e.g. --gemeente GM0363)');
    else if (!gemeenteCodePattern.test(gemeente)) problems.push(`--gemeente ${JSON.stringify(options.gemeente)} is not a CBS code like GM0363`);
  } else if (gemeente !== undefined) {
    problems.push(`--gemeente only goes with --role gemeente, not --role ${role}`);
  }
  if (role === 'researcher' && (options.sub === undefined || options.sub.trim() === '')) {
    problems.push('--role researcher needs --sub NAME (privacy budgets are kept per researcher)');
  }
  try {
    parseLifetime(options.expires);
  } catch (error) {
    problems.push(`--expires: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { role, ...(brin ? { brin } : {}), ...(gemeente ? { gemeente } : {}), ...(options.sub ? { sub: options.sub } : {}) };
}

function program(io: CliIo): Command {
  return new Command()
    .name('npm run token --')
    .description("Prints a JWT for the NPO platform, signed with the data dir's key (created if absent).")
    .addOption(new Option('--role <role>', 'who the token is for').choices(roles).makeOptionMandatory())
    .option('--brin <brin>', 'BRIN of the school (role school)')
    .option('--gemeente <code>', 'CBS code of the gemeente (role gemeente)')
    .option('--sub <name>', 'subject; required for role researcher, defaults to the role and its code otherwise')
    .option('--expires <duration>', 'lifetime: 90s, 30m, 12h, 7d', '12h')
    .option('--data-dir <dir>', 'data dir holding keys/ (default: NPO_DATA_DIR, else ./data)')
    .addHelpText('after', '\nExamples:\n  npm run token -- --role school --brin 16SW\n  npm run token -- --role gemeente --gemeente GM0363\n  npm run token -- --role researcher --sub j.jansen --expires 1h\n  npm run token -- --role ocw')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .allowExcessArguments(false);
}

/** Runs the CLI and returns the exit status; never calls process.exit itself. */
export async function runTokenCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const cli = program(io);
  try {
    cli.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander; they already printed what they had to.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  const options = cli.opts<Options>();
  try {
    const request = tokenRequestFrom(options);
    const { dataDir } = loadConfig({ NPO_DATA_DIR: options.dataDir ?? env['NPO_DATA_DIR'] });
    const tokens = await TokenService.fromDataDir(dataDir);
    io.out(`${await tokens.issueToken(request, { expiresIn: options.expires })}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidTokenRequestError) {
      io.err(`error: ${error.message}\n(see --help)\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT_FAILURE;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
