fn main() {
    println!("vetdesk");
}
