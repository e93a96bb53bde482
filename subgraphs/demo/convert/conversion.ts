/** What converting one region's source metadata gives: the datasets, and what was left out or noticed. */
import type { DatasetFile } from '../../../schema/datasetFile.ts';

/** A dataset the converter left out, and why. */
export interface Skip {
  id: string;
  reason: string;
}

/** What a region converter produces; the entry point does all the writing. */
export interface Conversion {
  datasets: DatasetFile[];
  skipped: Skip[];
  /** Data-quality observations that did not stop a dataset from being written. */
  notes: string[];
  /** Attribution files written beside the datasets, by file name. */
  attribution: Record<string, string | Buffer>;
}
