//! Entry point Trunk builds: everything lives in the library.

fn main() {
    client::start();
}
