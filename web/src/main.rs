//! Entry point of the web build.

fn main() {
    kubarium_web::start();
}
