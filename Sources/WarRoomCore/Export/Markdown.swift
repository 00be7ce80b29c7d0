/// Text from the journal placed into markdown so that it stays text: it can
/// add no heading, list, link, image, emphasis, code or HTML, and a fenced
/// block cannot be closed from inside.
public enum Markdown {
    /// Characters that could start markup inside a line, escaped with a
    /// backslash (CommonMark allows it before any ASCII punctuation): escapes,
    /// code, emphasis, strikethrough, links and images, HTML and autolinks,
    /// entities. Text is never placed at the start of a line, so "#", "-",
    /// "+", ">" and "1." cannot start a block there.
    static let special: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "~", "[", "]", "<", "&"]

    /// One line of inert text with markdown's special characters escaped. A
    /// newline shows as `\n` (InertText), so nothing can start a line.
    public static func text(_ s: String) -> String { escaped(s, also: []) }

    /// The same for the text of a heading, where a trailing "#" would also
    /// be taken as the heading's closing sequence.
    public static func heading(_ s: String) -> String { escaped(s, also: ["#"]) }

    static func escaped(_ s: String, also: Set<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        for scalar in InertText.clean(s).unicodeScalars {
            if special.contains(scalar) || also.contains(scalar) { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    /// A fenced code block holding `content` verbatim (inert, its lines
    /// kept), fenced with more backticks than the longest run inside it.
    public static func fence(_ content: String) -> String {
        let body = InertText.clean(content, allowing: .lines)
        var longest = 0
        var run = 0
        for scalar in body.unicodeScalars {
            if scalar == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + "\n" + body + "\n" + fence + "\n"
    }
}
