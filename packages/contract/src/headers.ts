/** HTTP header names used by the API, in one place for server, CLI and console. */
export const HEADER_PRODUCE_ID = 'synthguard-produce-id';
export const HEADER_CONTENT_PRODUCER = 'synthguard-content-producer';
export const HEADER_FORMAT = 'synthguard-format';
export const HEADER_REQUEST_ID = 'x-request-id';
