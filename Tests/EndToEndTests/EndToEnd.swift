import Testing

/// Every end-to-end suite nests in this one, so they run one at a time: each
/// drives real processes in tmux, and timing claims ("within a second") are
/// only fair on a machine that is not also running five other demos.
@Suite(.serialized) enum EndToEnd {}
