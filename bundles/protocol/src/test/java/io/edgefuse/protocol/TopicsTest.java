package io.edgefuse.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Topic names are built in one place, and no id can add levels or wildcards to them. */
class TopicsTest {
    private final Topics t = new Topics("site-a/edgefuse");

    @Test
    void everyTopicLivesUnderTheRoot() {
        assertEquals("site-a/edgefuse/nodes/n1/tasks", t.nodeTasks("n1"));
        assertEquals("site-a/edgefuse/infer/resnet18", t.infer("resnet18"));
        assertEquals("site-a/edgefuse/infer/resnet18/req-1", t.infer("resnet18", "req-1"));
        assertEquals("site-a/edgefuse/results/resnet18/req-1", t.results("resnet18", "req-1"));
        assertEquals("site-a/edgefuse/replies/cli-1", t.replies("cli-1"));
        assertEquals("edgefuse/v1/nodes/+/heartbeat", Topics.defaults().allHeartbeats());
    }

    @Test
    void theNodeIsReadBackFromItsTopics() {
        assertEquals("pi4-2", t.nodeOf(t.nodeHeartbeat("pi4-2")));
        assertNull(t.nodeOf("other/nodes/pi4-2/heartbeat"));
        assertNull(t.nodeOf("site-a/edgefuse/nodes/pi4-2"));
    }

    @Test
    void idsThatWouldInjectLevelsOrWildcardsAreRefused() {
        for (String bad : new String[] {"a/b", "+", "#", "", "x y", "a".repeat(129)}) {
            assertThrows(IllegalArgumentException.class, () -> t.nodeTasks(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> t.replies(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> t.results("m", null));
        for (String root : new String[] {"", "a/", "a/#", "a/+/b", " "}) {
            assertThrows(IllegalArgumentException.class, () -> new Topics(root), root);
        }
    }
}
