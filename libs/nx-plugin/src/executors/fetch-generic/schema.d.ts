import { FetchExecutorOptions } from '../../utils/fetch-options';

/** Options of `@hermetic/nx:fetch-generic` (see schema.json for the defaults). */
export type FetchGenericExecutorSchema = FetchExecutorOptions;
