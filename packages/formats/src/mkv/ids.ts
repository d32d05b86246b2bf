/**
 * EBML (RFC 8794) and Matroska (RFC 9559) element IDs this handler reads, as the numbers their
 * IDs spell with the length marker kept (0x1A45DFA3, not the VINT_DATA). Matroska elements are
 * named by their RFC 9559 paths (\Segment\Tags); global and header elements by RFC 8794 section.
 */

/** RFC 8794 §11.2.1: the EBML header and its children (§11.2.2-§11.2.8). */
export const ID_EBML = 0x1a45dfa3;
export const ID_EBML_READ_VERSION = 0x42f7;
export const ID_DOC_TYPE = 0x4282;

/** RFC 8794 §11.3: global elements, allowed in every master element. */
export const ID_CRC32 = 0xbf;
export const ID_VOID = 0xec;

/** \Segment: the root of a Matroska file. */
export const ID_SEGMENT = 0x18538067;

/** The Segment's top-level children (\Segment\SeekHead ... \Segment\Tags). */
export const ID_SEEK_HEAD = 0x114d9b74;
export const ID_INFO = 0x1549a966;
export const ID_CLUSTER = 0x1f43b675;
export const ID_TRACKS = 0x1654ae6b;
export const ID_CUES = 0x1c53bb6b;
export const ID_ATTACHMENTS = 0x1941a469;
export const ID_CHAPTERS = 0x1043a770;
export const ID_TAGS = 0x1254c367;

/** IDs that end an unknown-size Cluster (RFC 8794 §6.2: an element that is no valid child). */
export const TOP_LEVEL_IDS: ReadonlySet<number> = new Set([
  ID_SEEK_HEAD,
  ID_INFO,
  ID_CLUSTER,
  ID_TRACKS,
  ID_CUES,
  ID_ATTACHMENTS,
  ID_CHAPTERS,
  ID_TAGS,
  ID_SEGMENT,
  ID_EBML,
]);

/** \Segment\SeekHead\Seek > SeekID (binary), SeekPosition (uint, Segment Position). */
export const ID_SEEK = 0x4dbb;
export const ID_SEEK_ID = 0x53ab;
export const ID_SEEK_POSITION = 0x53ac;

/** \Segment\Cluster\Position (uint, Segment Position of the Cluster itself). */
export const ID_CLUSTER_POSITION = 0xa7;

/** \Segment\Cues\CuePoint > CueTrackPositions > ... */
export const ID_CUE_POINT = 0xbb;
export const ID_CUE_TRACK_POSITIONS = 0xb7;
/** Segment Positions inside CueTrackPositions (CueRelativePosition is Cluster-relative). */
export const ID_CUE_CLUSTER_POSITION = 0xf1;
export const ID_CUE_CODEC_STATE = 0xea;
export const ID_CUE_REFERENCE = 0xdb;
export const ID_CUE_REF_CLUSTER = 0x97;

/** \Segment\Tags\Tag\Targets and \Segment\Tags\Tag\SimpleTag. */
export const ID_TAG = 0x7373;
export const ID_TARGETS = 0x63c0;
export const ID_TARGET_TYPE_VALUE = 0x68ca;
export const ID_TARGET_TYPE = 0x63ca;
export const ID_TAG_TRACK_UID = 0x63c5;
export const ID_TAG_EDITION_UID = 0x63c9;
export const ID_TAG_CHAPTER_UID = 0x63c4;
export const ID_TAG_ATTACHMENT_UID = 0x63c6;
export const ID_SIMPLE_TAG = 0x67c8;
export const ID_TAG_NAME = 0x45a3;
export const ID_TAG_STRING = 0x4487;
export const ID_TAG_BINARY = 0x4485;

/** Masters whose children the walker parses (and keeps), with the masters allowed inside them. */
export const DEEP_MASTERS: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [ID_SEEK_HEAD, new Set([ID_SEEK])],
  [ID_SEEK, new Set<number>()],
  [ID_CUES, new Set([ID_CUE_POINT])],
  [ID_CUE_POINT, new Set([ID_CUE_TRACK_POSITIONS])],
  [ID_CUE_TRACK_POSITIONS, new Set([ID_CUE_REFERENCE])],
  [ID_CUE_REFERENCE, new Set<number>()],
  [ID_TAGS, new Set([ID_TAG])],
  [ID_TAG, new Set([ID_TARGETS, ID_SIMPLE_TAG])],
  [ID_TARGETS, new Set<number>()],
  // \Segment\Tags\Tag\+SimpleTag: a SimpleTag may nest SimpleTags (recursive; depth is capped by the walker).
  [ID_SIMPLE_TAG, new Set([ID_SIMPLE_TAG])],
]);

/** RFC 9559 "Segment Position": the children holding Segment Positions, by parent. */
export const POSITION_IDS: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [ID_SEEK, new Set([ID_SEEK_POSITION])],
  [ID_CUE_TRACK_POSITIONS, new Set([ID_CUE_CLUSTER_POSITION, ID_CUE_CODEC_STATE])],
  [ID_CUE_REFERENCE, new Set([ID_CUE_REF_CLUSTER])],
]);
