/** Messages between the batch pool and its workers (structured-clone safe). */
import type { Detection, Verification } from '@synthguard/contract';

export type WorkerRequest =
  | {
      readonly kind: 'label';
      readonly path: string;
      /** The unsigned label (ProduceID assigned by the main thread). */
      readonly label: Record<string, string>;
      readonly keyPem: string;
      readonly relabel: boolean;
      /** The installation's C2PA chain and key (PEM), to add a manifest where the format takes one. */
      readonly c2pa: {
        readonly chainPem: string;
        readonly keyPem: string;
        readonly anchorsPem: string;
      } | null;
    }
  | { readonly kind: 'detect'; readonly path: string; readonly declared: boolean; readonly keys: unknown }
  | { readonly kind: 'verify'; readonly path: string; readonly keys: unknown };

export type WorkerResponse =
  | {
      readonly ok: true;
      readonly kind: 'label';
      readonly file: Uint8Array;
      readonly format: string;
      readonly label: Record<string, string>;
      readonly previousLabel: Record<string, string> | null;
      readonly inputSha256: string;
      readonly inputBytes: number;
      readonly c2pa: boolean;
    }
  | { readonly ok: true; readonly kind: 'detect'; readonly detection: Detection }
  | { readonly ok: true; readonly kind: 'verify'; readonly verification: Verification }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly details?: unknown };
