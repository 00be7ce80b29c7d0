/// What a cell means; the theme turns roles into colours at the terminal.
public enum Role: UInt8, Sendable, CaseIterable, Hashable {
    case normal, dim, border, title, label, value
    case ok, sev3, sev2, sev1, stale
    case accent, header, headerAlert, footer, footerKey
    case selection, badge, danger

    public var name: String { String(describing: self) }

    /// The role spelled as in a theme file (`headerAlert`), or nil.
    public init?(name: String) {
        guard let role = Role.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }
}
