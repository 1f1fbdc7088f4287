package io.edgefuse.osgi.framework;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls into classes that live inside the framework. The test's own class path may hold classes of the
 * same names, but those are different classes: everything here goes through bundle class loaders.
 */
final class Reflect {
    private Reflect() {}

    static Object call(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        Object receiver = target instanceof Class<?> ? null : target;
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length || !accepts(m, args)) continue;
            m.setAccessible(true); // public method of a package-private implementation class
            try {
                return m.invoke(receiver, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception ex) throw ex;
                throw e;
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " with " + args.length + " args");
    }

    /** Waits for a Vert.x Future (through its CompletionStage view) and returns its value. */
    static Object await(Object vertxFuture) throws Exception {
        CompletionStage<?> stage = (CompletionStage<?>) call(vertxFuture, "toCompletionStage");
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** An implementation of a one-method callback interface (e.g. io.vertx.core.Handler) from a bundle. */
    static Object callback(Class<?> itf, Consumer<Object> body) {
        return Proxy.newProxyInstance(itf.getClassLoader(), new Class<?>[] {itf}, (proxy, m, a) -> switch (m.getName()) {
            case "equals" -> proxy == a[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "callback(" + itf.getSimpleName() + ")";
            default -> {
                body.accept(a == null || a.length == 0 ? null : a[0]);
                yield null;
            }
        });
    }

    private static boolean accepts(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            Class<?> t = box(types[i]);
            if (args[i] != null && !t.isInstance(args[i])) return false;
            if (args[i] == null && types[i].isPrimitive()) return false;
        }
        return true;
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) return t;
        if (t == int.class) return Integer.class;
        if (t == long.class) return Long.class;
        if (t == boolean.class) return Boolean.class;
        if (t == double.class) return Double.class;
        if (t == float.class) return Float.class;
        if (t == short.class) return Short.class;
        if (t == byte.class) return Byte.class;
        return Character.class;
    }
}
