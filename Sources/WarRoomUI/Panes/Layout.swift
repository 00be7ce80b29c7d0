import Foundation
import WarRoomCore

/// Where the four panes go. Wide terminals get a 2x2 grid; narrower ones put
/// metrics across the top so their columns keep room for sparklines.
public struct Layout: Sendable, Equatable {
    public var metrics, canary, timeline, roster: Rect

    public init(_ body: Rect) {
        let metricsHeight = MetricsPane.preferredInnerHeight + 2
        if body.width >= 120 {
            let spaced = MetricsPane.preferredInnerHeight + MetricsPane.metrics.count + 2 + 2
            let topHeight = min(max(metricsHeight, body.height * 2 / 5 > spaced ? spaced : metricsHeight + 4), body.height / 2)
            let (top, bottom) = body.splitTop(topHeight)
            let leftWidth = body.width * 11 / 20
            (metrics, canary) = top.splitLeft(leftWidth)
            (timeline, roster) = bottom.splitLeft(leftWidth)
        } else {
            let (top, rest) = body.splitTop(metricsHeight)
            metrics = top
            let middleHeight = min(9, rest.height / 2)
            let (middle, bottom) = rest.splitTop(middleHeight)
            (canary, roster) = middle.splitLeft(middle.width / 2)
            timeline = bottom
        }
    }
}
