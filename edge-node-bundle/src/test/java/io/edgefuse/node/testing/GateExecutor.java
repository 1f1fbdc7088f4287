package io.edgefuse.node.testing;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The reference executor held at a gate until the test opens it, to make a node busy on demand. */
public final class GateExecutor implements Executor {
    private final JavaExecutor inner = new JavaExecutor();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Tensor run(Model model, Stage stage, RegionTensor input, Region out) {
        started.incrementAndGet();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return inner.run(model, stage, input, out);
    }

    public void open() {
        gate.countDown();
    }

    public int started() {
        return started.get();
    }

    public boolean awaitStarted(int n, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (started.get() < n) {
            if (System.currentTimeMillis() > end) return false;
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        open();
    }
}
